package acquire

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"os"
	"unicode/utf8"
)

// magics are the leading bytes of each binary format.
var magics = map[string][][]byte{
	"netcdf":  {[]byte("CDF\x01"), []byte("CDF\x02"), []byte("CDF\x05"), []byte("\x89HDF\r\n\x1a\n")}, // classic, 64-bit offset, CDF-5, netCDF-4 (HDF5)
	"hdf5":    {[]byte("\x89HDF\r\n\x1a\n")},
	"hdf4":    {[]byte("\x0e\x03\x13\x01")},
	"grib":    {[]byte("GRIB")},
	"geotiff": {[]byte("II*\x00"), []byte("MM\x00*"), []byte("II+\x00"), []byte("MM\x00+")}, // TIFF and BigTIFF, both byte orders
}

// textFormats are checked as text: valid UTF-8, no NUL, not HTML.
var textFormats = map[string]bool{"csv": true, "text": true, "tsv": true}

// checkContentType refuses an HTML answer: a provider's error or login
// page served with status 200 must never become a data file.
func checkContentType(ct string) error {
	mt, _, _ := mime.ParseMediaType(ct)
	if mt == "text/html" || mt == "application/xhtml+xml" {
		return fmt.Errorf("the server answered with an HTML page (%s), not the file", mt)
	}
	return nil
}

// checkFormat reads the head of the file at path and checks it is format.
func checkFormat(path, format string) error {
	if format == "" {
		return nil
	}
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(fh, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return err
	}
	head = head[:n]
	if n == 0 {
		return fmt.Errorf("the file is empty")
	}
	if looksHTML(head) {
		return fmt.Errorf("the file is an HTML page, not %s", format)
	}
	if ms, ok := magics[format]; ok {
		for _, m := range ms {
			if bytes.HasPrefix(head, m) {
				return nil
			}
		}
		return fmt.Errorf("the file does not start like %s (first bytes %q)", format, head[:min(len(head), 8)])
	}
	if textFormats[format] {
		if bytes.IndexByte(head, 0) >= 0 {
			return fmt.Errorf("the file has NUL bytes: binary, not %s", format)
		}
		// The cut at 64 KiB may split a character: trim up to 3 bytes.
		for cut := 0; cut < 3 && n == 64<<10 && !utf8.Valid(head); cut++ {
			head = head[:len(head)-1]
		}
		if !utf8.Valid(head) {
			return fmt.Errorf("the file is not UTF-8 text")
		}
		return nil
	}
	return fmt.Errorf("unknown format %q", format)
}

func looksHTML(head []byte) bool {
	h := bytes.ToLower(bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf"))
	return bytes.HasPrefix(h, []byte("<!doctype html")) || bytes.HasPrefix(h, []byte("<html")) ||
		bytes.HasPrefix(h, []byte("<head")) || bytes.HasPrefix(h, []byte("<?xml")) && bytes.Contains(h[:min(len(h), 512)], []byte("<html"))
}
