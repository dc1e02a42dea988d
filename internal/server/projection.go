package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// projection serves GET /api/v1/projection[?year=YYYY][&format=csv]: the
// year in progress as projected from the months published so far
// (maturity "projected", never mixed with computed months), by default the
// latest year. The files are small and rewritten after the tables, so they
// are read on each request rather than kept in the snapshot, which reloads
// when the tables change and could miss the projection written just after.
func (s *Server) projection(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format := nonEmpty(q.Get("format"), "json")
	if format != "json" && format != "csv" {
		return errBadRequest("format: want json or csv")
	}
	year := 0
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1000 || y > 9999 {
			return errBadRequest("year: %q is not YYYY", v)
		}
		year = y
	}
	docs, err := lake.ReadProjection(s.out)
	if errors.Is(err, lake.ErrNoProjection) {
		return errNotFound("no projection published")
	}
	if err != nil {
		return err
	}
	doc := docs[len(docs)-1]
	if year != 0 {
		found := false
		for _, d := range docs {
			if d.Year == year {
				doc, found = d, true
			}
		}
		if !found {
			return errNotFound("no projection of %d", year)
		}
	}
	if format == "csv" {
		return s.projectionCSV(w, r, doc.Year)
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return s.send(w, r, "application/json", body, "")
}

func (s *Server) projectionCSV(w http.ResponseWriter, r *http.Request, year int) error {
	rows, err := lake.ReadProjectionRows(s.out)
	if errors.Is(err, lake.ErrNoProjection) {
		return errNotFound("no projection published")
	}
	if err != nil {
		return err
	}
	var keep []lake.ProjectionRow
	for _, row := range rows {
		if int(row.Year) == year {
			keep = append(keep, row)
		}
	}
	var buf bytes.Buffer
	if err := writeCSV(&buf, keep); err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="projection.csv"`)
	return s.send(w, r, formatTypes["csv"], buf.Bytes(), "")
}
