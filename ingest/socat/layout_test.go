package socat

import "strings"

// The SOCAT layouts below are synthetic: every expocode, DOI and value is
// made up. Their structure follows SOCAT's own report writer (NOAA PMEL
// SOCAT dashboard, gov/noaa/pmel/dashboard/actions/SocatCruiseReporter.java,
// found through the code search): the synthesis ("multi-cruise") file opens
// with a tab-separated table of its data sets whose header starts
// "Expocode\tversion\tDataset Name" and ends "QC Flag\tAdditional Metadata
// Document(s)", then the column explanations, then the data header
// (Expocode, version, the DOI column, QC_Flag, yr … GVCO2, fCO2rec,
// fCO2rec_src, fCO2rec_flag) and only WOCE-2 rows; a single-cruise file
// opens with "Expocode: …", "version: …", "DOI of this SOCAT-enhanced data:
// …" and "Data set QC flag: X (see below)" lines, and its table adds the
// measured xCO2/pCO2/fCO2 columns and keeps WOCE 3 and 4 rows and rows
// without fCO2rec. The reporter names the DOI column SOCAT_DOI; later
// readers of SOCATv2020+ synthesis files name it Source_DOI (for example
// the column lists in pandas readers found the same way), so both occur.

// synthesisHeaderDOI is the synthesis data header with the DOI column named doi.
func synthesisHeaderDOI(doi string) string {
	return strings.Join([]string{"Expocode", "version", doi, "QC_Flag", "yr", "mon", "day", "hh", "mm", "ss",
		"longitude [dec.deg.E]", "latitude [dec.deg.N]", "sample_depth [m]", "sal", "SST [deg.C]", "Tequ [deg.C]",
		"PPPP [hPa]", "Pequ [hPa]", "WOA_SSS", "NCEP_SLP [hPa]", "ETOPO2_depth [m]", "dist_to_land [km]",
		"GVCO2 [umol/mol]", "fCO2rec [uatm]", "fCO2rec_src", "fCO2rec_flag"}, "\t")
}

// singleCruiseHeader is the single-cruise data header; withQC false drops
// the QC_Flag column, the variant whose flag is only in the metadata block.
func singleCruiseHeader(withQC bool) string {
	cols := []string{"Expocode", "version", "SOCAT_DOI", "QC_Flag", "yr", "mon", "day", "hh", "mm", "ss",
		"longitude [dec.deg.E]", "latitude [dec.deg.N]", "sample_depth [m]", "sal", "SST [deg.C]", "Tequ [deg.C]",
		"PPPP [hPa]", "Pequ [hPa]", "WOA_SSS", "NCEP_SLP [hPa]", "ETOPO2_depth [m]", "dist_to_land [km]",
		"GVCO2 [umol/mol]", "xCO2water_equ_dry [umol/mol]", "xCO2water_SST_dry [umol/mol]",
		"pCO2water_equ_wet [uatm]", "pCO2water_SST_wet [uatm]", "fCO2water_equ_wet [uatm]",
		"fCO2water_SST_wet [uatm]", "fCO2rec [uatm]", "fCO2rec_src", "fCO2rec_flag"}
	if !withQC {
		cols = append(cols[:3:3], cols[4:]...)
	}
	return strings.Join(cols, "\t")
}

// synthRow is one synthesis data row: the fields the reader uses, the
// rest filled with plausible constants.
func synthRow(expo, version, qc, date, lon, lat, sst, fco2, flag string) string {
	d := strings.Fields(date) // yr mon day hh mm ss
	return strings.Join(append(append([]string{expo, version, "https://doi.org/10.9999/SYNTH-" + expo, qc}, d...),
		lon, lat, "5", "35.1", sst, "NaN", "1013.0", "NaN", "35.0", "1012.5", "4100", "420", "418.5", fco2, "1", flag), "\t")
}

// synthesisFile is a SOCATvYYYY synthesis layout: data-set table and
// explanations in the preamble, then the rows. version is "2022".."2025".
func synthesisFile(version, doi string) string {
	var b strings.Builder
	b.WriteString("SOCAT data report created: 2025-06-01 00:00 +0000 (synthetic)\n")
	b.WriteString("DOI of the entire SOCAT collection: 10.9999/SYNTH\n")
	b.WriteString("SOCAT data for the following data sets:\n")
	b.WriteString("Expocode\tversion\tDataset Name\tPlatform Name\tPI(s)\tOriginal Data DOI\tOriginal Data Reference\tSOCAT DOI\tSOCAT Reference\tWestmost Longitude\tEastmost Longitude\tSouthmost Latitude\tNorthmost Latitude\tStart Time\tEnd Time\tQC Flag\tAdditional Metadata Document(s)\n")
	for _, ds := range []string{"11SY20230101\t" + version + "\tSYN1\tShip A\tPI A\tN/A\tN/A\t10.9999/A\tx\t0.00E\t1.00W\t10.00N\t10.10N\t2023-01-05\t2023-01-06\tA\t",
		"22SY20230102\t" + version + "\tSYN2\tShip B\tPI B\tN/A\tN/A\t10.9999/B\tx\t160.00W\t159.00W\t45.00S\t44.00S\t2023-01-12\t2023-01-13\tE\t",
		"33SY20230103\t" + version + "\tSYN3\tShip C\tPI C\tN/A\tN/A\t10.9999/C\tx\t179.90E\t180.00E\t5.00S\t5.00S\t2023-01-20\t2023-01-21\tC\t"} {
		b.WriteString(ds + "\n")
	}
	b.WriteString("\nExplanation of data columns:\nExpocode: unique identifier for the data set (synthetic wording)\n")
	b.WriteString("QC_Flag: Data set QC flag\nlongitude: measurement longitude, from zero to 360, in decimal degrees East\n")
	b.WriteString("fCO2rec_flag: WOCE flag for this fCO2rec value (2:good, 3:questionable, 4:bad, 9:not generated)\n\n")
	b.WriteString("Missing values are indicated by 'NaN'\n")
	b.WriteString(synthesisHeaderDOI(doi) + "\n")
	for _, r := range []string{
		// Greenwich written as 0 and as 360, and just west of it.
		synthRow("11SY20230101", version, "A", "2023 1 5 12 0 0", "0.000", "10.00", "26.5", "381.25", "2"),
		synthRow("11SY20230101", version, "A", "2023 1 5 12 1 0", "360.000", "10.01", "26.5", "382.5", "2"),
		synthRow("11SY20230101", version, "A", "2023 1 5 12 2 0", "359.000", "10.02", "26.5", "383.75", "2"),
		// Flag E data set: in the synthesis file only in its FlagE variant,
		// which shares the layout; dropped by default.
		synthRow("22SY20230102", version, "E", "2023 1 12 0 0 0", "200.000", "-45.0", "8.5", "350.5", "2"),
		// 180 °E is the date line: -180 in [-180, 180).
		synthRow("33SY20230103", version, "C", "2023 1 20 6 0 0", "180.000", "-5.0", "28.0", "401.0", "2"),
		synthRow("33SY20230103", version, "C", "2023 1 20 6 1 0", "179.900", "-5.0", "28.0", "NaN", "2"),
	} {
		b.WriteString(r + "\n")
	}
	return b.String()
}

// singleRow is one single-cruise data row; qc "" leaves the column out.
func singleRow(qc, date, lon, fco2, flag string) string {
	f := []string{"44SY20240301", "2025", "10.9999/SYNTH-44"}
	if qc != "" {
		f = append(f, qc)
	}
	f = append(f, strings.Fields(date)...)
	f = append(f, lon, "-60.5", "5", "33.9", "1.5", "1.7", "990.0", "991.0", "34.0", "989.5", "3000", "800", "421.0",
		"380.0", "NaN", "370.0", "NaN", "369.0", "NaN", fco2, "1", flag)
	return strings.Join(f, "\t")
}

// singleCruiseFile is a single-cruise layout of data set 44SY20240301 with
// data-set QC flag qc, stated in the preamble and, if withQC, in a column.
func singleCruiseFile(qc string, withQC bool) string {
	var b strings.Builder
	b.WriteString("SOCAT data report created: 2025-06-01 00:00 +0000 (synthetic)\nExpocode: 44SY20240301\nversion: 2025\n")
	b.WriteString("Dataset Name: SYN4\nPlatform Name: Ship D\nPrincipal Investigator(s): PI D\n")
	b.WriteString("DOI of this SOCAT-enhanced data: 10.9999/SYNTH-44\n\nLongitude range: 170.00E to 170.50W\n")
	b.WriteString("Time range: 2024-03-01 to 2024-03-02\n\nData set QC flag: " + qc + " (see below)\n\n")
	b.WriteString("Explanation of data columns:\nQC_Flag: Data set QC flag\nMissing values are indicated by 'NaN'\n\n")
	b.WriteString(singleCruiseHeader(withQC) + "\n")
	col := ""
	if withQC {
		col = qc
	}
	for _, r := range []string{
		singleRow(col, "2024 3 1 0 0 0", "170.000", "369.5", "2"),
		singleRow(col, "2024 3 1 0 1 0", "189.500", "371.0", "3"), // questionable
		singleRow(col, "2024 3 1 0 2 0", "189.750", "999.0", "4"), // bad
		singleRow(col, "2024 3 1 0 3 0", "189.900", "NaN", "9"),   // not generated
		singleRow(col, "2024 3 2 23 59 30.5", "189.999", "372.5", "2"),
	} {
		b.WriteString(r + "\n")
	}
	return b.String()
}

// allLayouts are the generated layouts, for the fuzz corpus.
func allLayouts() []string {
	return []string{synthesisFile("2022", "SOCAT_DOI"), synthesisFile("2025", "Source_DOI"),
		singleCruiseFile("B", true), singleCruiseFile("D", false), singleCruiseFile("E", false)}
}
