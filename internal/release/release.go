// Package release freezes what an output directory publishes into
// immutable, content-addressed releases, compares two published states
// (a diff that names its cause from the months' manifests), checks a
// release's consistency before it is made, and describes each release as
// a STAC collection with CF-style attributes.
//
// Layout under the output directory:
//
//	releases/objects/sha256/ab/abcd…   each frozen file once, by content (a hard link to the published file when the filesystem allows)
//	releases/trees/<id>/…              the release as a read-only lake (hard links to the objects), with collection.json and items/
//	releases/<id>.json                 the release: id, name, date, files, checks, changelog
//	releases/catalog.json              a STAC catalog of every release
//
// A release's id is the first 16 hex digits of the SHA-256 of its file
// list (path and SHA-256 of every file, sorted), so the same published
// state always has the same id. Creating a release never rewrites
// another: objects are only added, a tree is renamed into place whole, and
// the release's JSON is written last. Values are GtC, as in the lake.
package release

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/carbonbudget/carbonbudget/internal/durable"
	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// Release is one frozen published state (releases/<id>.json).
type Release struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Created     string `json:"created"` // RFC 3339, UTC
	CodeVersion string `json:"code_version"`
	// Previous is the release this one's changelog is against; empty for
	// the first.
	Previous  string     `json:"previous,omitempty"`
	Months    []string   `json:"months"`
	Checks    []Check    `json:"checks"`
	Changelog *Changelog `json:"changelog,omitempty"`
	Files     []File     `json:"files"`
}

// Changelog is what changed since the previous release: the diff's
// summary, its causes and its largest changes.
type Changelog struct {
	From    string   `json:"from"`
	Summary []string `json:"summary"`
	Kind    string   `json:"kind"` // see Diff.Kind
	Causes  Causes   `json:"causes"`
	// Largest are the largest changes (at most maxChangelogChanges).
	Largest []Change `json:"largest_changes,omitempty"`
	// FilesChanged, FilesAdded and FilesRemoved compare the two releases'
	// file lists: what changed byte for byte, values or not (a projection
	// stamped with the time it was made changes with every run).
	FilesChanged []string `json:"files_changed,omitempty"`
	FilesAdded   []string `json:"files_added,omitempty"`
	FilesRemoved []string `json:"files_removed,omitempty"`
}

const maxChangelogChanges = 20

// Options tunes Create.
type Options struct {
	Name        string
	CodeVersion string
	// Now is the release date; the zero value means time.Now.
	Now time.Time
}

// ErrRefused marks a release refused by its consistency checks.
var ErrRefused = errors.New("release refused")

// Create freezes the published state of out as a release. It runs the
// consistency checks first and refuses (ErrRefused, naming each failure)
// when one fails. When the published state equals an existing release,
// that release is returned with existed true and nothing is written.
// The caller holds the output directory's lock, so no month is published
// meanwhile.
func Create(out string, opt Options) (rel *Release, existed bool, err error) {
	months, err := lake.ReadMonths(out)
	if err != nil {
		return nil, false, fmt.Errorf("release %s: %w", out, err)
	}
	if len(months) == 0 {
		return nil, false, fmt.Errorf("release %s: no month is published", out)
	}
	checks := RunChecks(out)
	if failed := Failed(checks); len(failed) > 0 {
		var msgs []string
		for _, c := range failed {
			msgs = append(msgs, c.Name+": "+c.Detail)
		}
		return nil, false, fmt.Errorf("%w: %s", ErrRefused, strings.Join(msgs, "; "))
	}
	files, err := freeze(out)
	if err != nil {
		return nil, false, err
	}
	id := contentID(files)
	if old, err := Read(out, id); err == nil {
		return old, true, nil
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	rel = &Release{ID: id, Name: opt.Name, Created: now.UTC().Format(time.RFC3339), CodeVersion: opt.CodeVersion,
		Checks: checks, Files: files}
	for m := range months {
		rel.Months = append(rel.Months, m.String())
	}
	sort.Strings(rel.Months)
	if prev, err := Latest(out); err == nil {
		d, err := Compare(TreeDir(out, prev.ID), out)
		if err != nil {
			return nil, false, fmt.Errorf("release %s: changelog against %s: %w", out, prev.ID, err)
		}
		rel.Previous = prev.ID
		rel.Changelog = d.changelog(prev.ID)
		rel.Changelog.compareFiles(prev.Files, files)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	return rel, false, publish(out, rel)
}

// freeze puts every published file of out in the object store and returns
// the list.
func freeze(out string) ([]File, error) {
	paths, err := published(out)
	if err != nil {
		return nil, fmt.Errorf("release %s: list files: %w", out, err)
	}
	files := make([]File, 0, len(paths))
	for _, p := range paths {
		f, err := store(out, p)
		if err != nil {
			return nil, fmt.Errorf("release %s: %w", out, err)
		}
		files = append(files, f)
	}
	return files, nil
}

// publish makes rel exist: its tree (renamed into place whole, with its
// STAC files), then its JSON, then the catalog that lists it.
func publish(out string, rel *Release) error {
	if err := durable.WriteDir(TreeDir(out, rel.ID), func(tmp string) error {
		for _, f := range rel.Files {
			if err := materialise(out, tmp, f); err != nil {
				return err
			}
		}
		return WriteSTAC(tmp, rel)
	}); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(out, Dir, rel.ID+".json"), rel); err != nil {
		return err
	}
	return writeCatalog(out)
}

// compareFiles fills the changelog's file lists from the previous
// release's files and this one's.
func (c *Changelog) compareFiles(prev, cur []File) {
	old := map[string]string{}
	for _, f := range prev {
		old[f.Path] = f.SHA256
	}
	for _, f := range cur {
		sum, ok := old[f.Path]
		switch {
		case !ok:
			c.FilesAdded = append(c.FilesAdded, f.Path)
		case sum != f.SHA256:
			c.FilesChanged = append(c.FilesChanged, f.Path)
		}
		delete(old, f.Path)
	}
	for p := range old {
		c.FilesRemoved = append(c.FilesRemoved, p)
	}
	sort.Strings(c.FilesRemoved)
	if n := len(c.FilesChanged) + len(c.FilesAdded) + len(c.FilesRemoved); n > 0 {
		c.Summary = append(c.Summary, fmt.Sprintf("files: %d changed, %d added, %d removed", len(c.FilesChanged), len(c.FilesAdded), len(c.FilesRemoved)))
	}
}

// contentID is the release id of a file list.
func contentID(files []File) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s %s\n", f.SHA256, f.Path)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// TreeDir is the directory that holds release id as a lake.
func TreeDir(out, id string) string { return filepath.Join(out, Dir, treesDir, id) }

// Read returns release id of out.
func Read(out, id string) (*Release, error) {
	if !validID(id) {
		return nil, fmt.Errorf("release %q: %w", id, fs.ErrNotExist)
	}
	b, err := os.ReadFile(filepath.Join(out, Dir, id+".json"))
	if err != nil {
		return nil, err
	}
	var r Release
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read release %s: %w", id, err)
	}
	return &r, nil
}

func validID(id string) bool {
	if len(id) != 16 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

// List returns the releases of out, oldest first.
func List(out string) ([]*Release, error) {
	entries, err := os.ReadDir(filepath.Join(out, Dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rels []*Release
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !validID(id) {
			continue
		}
		r, err := Read(out, id)
		if err != nil {
			return nil, err
		}
		rels = append(rels, r)
	}
	sort.Slice(rels, func(i, j int) bool {
		if rels[i].Created != rels[j].Created {
			return rels[i].Created < rels[j].Created
		}
		return rels[i].ID < rels[j].ID
	})
	return rels, nil
}

// Latest returns the newest release of out (fs.ErrNotExist when none).
func Latest(out string) (*Release, error) {
	rels, err := List(out)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 {
		return nil, fmt.Errorf("no release in %s: %w", out, fs.ErrNotExist)
	}
	return rels[len(rels)-1], nil
}

// Resolve finds a release of out by "latest", its id, a unique prefix of
// its id (at least 6 digits) or its name (the newest of that name).
func Resolve(out, ref string) (*Release, error) {
	rels, err := List(out)
	if err != nil {
		return nil, err
	}
	if ref == "latest" && len(rels) > 0 {
		return rels[len(rels)-1], nil
	}
	var found []*Release
	for _, r := range rels {
		if r.ID == ref || (len(ref) >= 6 && strings.HasPrefix(r.ID, ref)) {
			found = append(found, r)
		}
	}
	if len(found) == 0 {
		for _, r := range rels {
			if r.Name != "" && r.Name == ref {
				found = []*Release{r} // the newest of the name wins
			}
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no release %q in %s: %w", ref, out, fs.ErrNotExist)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("release %q is ambiguous: %d releases start with it", ref, len(found))
}

// Verify rehashes every file of release id's tree and returns an error
// naming the first that differs from the release's list (or is missing).
func Verify(out, id string) error {
	r, err := Read(out, id)
	if err != nil {
		return err
	}
	for _, f := range r.Files {
		sum, _, err := durable.FileSHA256(filepath.Join(TreeDir(out, id), filepath.FromSlash(f.Path)))
		if err != nil {
			return fmt.Errorf("release %s: %w", id, err)
		}
		if sum != f.SHA256 {
			return fmt.Errorf("release %s: %s has SHA-256 %s, the release says %s", id, f.Path, sum, f.SHA256)
		}
	}
	return nil
}

// writeJSON writes v as indented JSON to path, durably.
func writeJSON(path string, v any) error {
	return durable.WriteFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(v)
	})
}
