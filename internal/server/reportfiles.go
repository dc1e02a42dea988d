package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// reportFile is the shape of a report file's name; anything else is
// refused, so no request reaches another file of the month's directory.
var reportFile = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}\.(png|svg|md)$`)

var reportTypes = map[string]string{".png": "image/png", ".svg": "image/svg+xml", ".md": "text/markdown; charset=utf-8"}

// reportAsset serves GET /api/v1/months/{month}/report/{file}: the
// month's report.md and its figures as published.
func (s *Server) reportAsset(w http.ResponseWriter, r *http.Request) error {
	m, snap, err := s.monthParam(r)
	if err != nil {
		return err
	}
	name := r.PathValue("file")
	if !reportFile.MatchString(name) {
		return errBadRequest("file: report.md or a figure's .png or .svg")
	}
	b, err := os.ReadFile(filepath.Join(lake.MonthDir(s.out, m), name))
	if errors.Is(err, os.ErrNotExist) {
		return errNotFound("month %s has no report file %s", m, name)
	}
	if err != nil {
		return err
	}
	h := sha256.Sum256(b)
	if notModified(w, r, snap, reqKey(snap.etag, r.URL.Path, "sha256="+hex.EncodeToString(h[:]))) {
		return nil
	}
	return s.send(w, r, reportTypes[filepath.Ext(name)], b, "")
}

// reportPage serves GET /api/v1/months/{month}/report: report.md as an
// HTML page whose figures load from report/{file} (relative to the page,
// whose directory is /api/v1/months/{month}/).
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) error {
	m, snap, err := s.monthParam(r)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(lake.MonthDir(s.out, m), "report.md"))
	if errors.Is(err, os.ErrNotExist) {
		return errNotFound("month %s has no report", m)
	}
	if err != nil {
		return err
	}
	h := sha256.Sum256(b)
	if notModified(w, r, snap, reqKey(snap.etag, r.URL.Path, "sha256="+hex.EncodeToString(h[:]))) {
		return nil
	}
	query := ""
	if rel := r.URL.Query().Get("release"); rel != "" {
		query = "?release=" + url.QueryEscape(rel)
	}
	page := fmt.Sprintf("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"+
		"<title>carbonbudget report %s</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body><main class=\"report\">%s</main>"+
		"<footer><a href=\"/\">dashboard</a> · <a href=\"%s\">report.md</a></footer></body></html>", m, markdownHTML(string(b), "report/", query), "report/report.md"+query)
	return s.send(w, r, "text/html; charset=utf-8", []byte(page), "")
}

var mdImage = regexp.MustCompile(`^!\[([^\]]*)\]\(([a-z0-9_]+\.png)\)$`)

// markdownHTML renders the subset of Markdown that report.md uses
// (headings, paragraphs, pipe tables, list items, images on a line of
// their own), escaping all text; image paths get prefix and query (a
// release's page asks for that release's figures).
func markdownHTML(md, prefix, query string) string {
	var b strings.Builder
	inTable, inList := false, false
	closeBlocks := func() {
		if inTable {
			b.WriteString("</table>\n")
		}
		if inList {
			b.WriteString("</ul>\n")
		}
		inTable, inList = false, false
	}
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "|"):
			if inList {
				closeBlocks()
			}
			cells := strings.Split(strings.Trim(t, "|"), "|")
			if strings.Trim(cells[0], "- ") == "" {
				continue // the header's separator row
			}
			tag := "td"
			if !inTable {
				b.WriteString("<table>\n")
				inTable, tag = true, "th"
			}
			b.WriteString("<tr>")
			for _, c := range cells {
				fmt.Fprintf(&b, "<%s>%s</%s>", tag, html.EscapeString(strings.TrimSpace(c)), tag)
			}
			b.WriteString("</tr>\n")
		case strings.HasPrefix(t, "- "):
			if inTable {
				closeBlocks()
			}
			if !inList {
				b.WriteString("<ul>\n")
				inList = true
			}
			fmt.Fprintf(&b, "<li>%s</li>\n", html.EscapeString(t[2:]))
		case t == "":
			closeBlocks()
		case strings.HasPrefix(t, "#"):
			closeBlocks()
			n := len(t) - len(strings.TrimLeft(t, "#"))
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", n, html.EscapeString(strings.TrimSpace(t[n:])), n)
		default:
			closeBlocks()
			if mm := mdImage.FindStringSubmatch(t); mm != nil {
				fmt.Fprintf(&b, "<figure><img src=\"%s\" alt=\"%s\"><figcaption><a href=\"%s\">SVG</a></figcaption></figure>\n",
					html.EscapeString(prefix+mm[2]+query), html.EscapeString(mm[1]), html.EscapeString(prefix+strings.TrimSuffix(mm[2], ".png")+".svg"+query))
				continue
			}
			fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(t))
		}
	}
	closeBlocks()
	return b.String()
}
