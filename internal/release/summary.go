package release

// Summary is a release without its file list: what /api/v1/releases and
// 'release --list --json' show.
type Summary struct {
	ID          string   `json:"id"`
	Name        string   `json:"name,omitempty"`
	Created     string   `json:"created"`
	CodeVersion string   `json:"code_version"`
	Previous    string   `json:"previous,omitempty"`
	Months      int      `json:"months"`
	FirstMonth  string   `json:"first_month"`
	LastMonth   string   `json:"last_month"`
	Files       int      `json:"files"`
	Checks      []Check  `json:"checks"`
	Kind        string   `json:"change_kind"` // the changelog's kind; "first" for the first release
	Changes     []string `json:"changes,omitempty"`
}

// Summarise returns r's summary.
func Summarise(r *Release) Summary {
	s := Summary{ID: r.ID, Name: r.Name, Created: r.Created, CodeVersion: r.CodeVersion, Previous: r.Previous,
		Months: len(r.Months), Files: len(r.Files), Checks: r.Checks, Kind: "first"}
	if len(r.Months) > 0 {
		s.FirstMonth, s.LastMonth = r.Months[0], r.Months[len(r.Months)-1]
	}
	if r.Changelog != nil {
		s.Kind, s.Changes = r.Changelog.Kind, r.Changelog.Summary
	}
	return s
}

// Summaries summarises rels in their order.
func Summaries(rels []*Release) []Summary {
	out := make([]Summary, len(rels))
	for i, r := range rels {
		out[i] = Summarise(r)
	}
	return out
}
