package report

import (
	"fmt"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/lake"
)

// maxReportFindings is how many findings the report lists; the rest are
// in findings.csv and the API.
const maxReportFindings = 8

// writeFindings writes the "What was unusual" section that opens a
// month's report: the month's findings, most unusual first, each in the
// words of its template, with its drivers and what it rests on.
func writeFindings(b *strings.Builder, fs []lake.Finding) {
	b.WriteString("## What was unusual\n\n")
	if len(fs) == 0 {
		b.WriteString("Nothing beyond the threshold of the baseline's year-to-year variability (or the baseline years are not yet published).\n\n")
		return
	}
	for _, f := range fs[:min(len(fs), maxReportFindings)] {
		fmt.Fprintf(b, "%d. %s\n", f.Rank, f.Text)
	}
	if len(fs) > maxReportFindings {
		fmt.Fprintf(b, "\n%d more in findings.csv.\n", len(fs)-maxReportFindings)
	}
	b.WriteString("\n")
}
