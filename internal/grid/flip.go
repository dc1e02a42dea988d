package grid

// RollLon shifts the columns of a row-major nlat×nlon array by shift
// columns: out[r][(c+shift) mod nlon] = in[r][c]. Converting a 0..360 grid
// to -180..180 is RollLon(v, nlon, nlon/2); rolling back by -nlon/2 restores
// it exactly. It works in place through one row buffer.
func RollLon[T any](values []T, nlon, shift int) {
	if nlon == 0 {
		return
	}
	shift = ((shift % nlon) + nlon) % nlon
	if shift == 0 {
		return
	}
	// Each row's last shift values move to its front: two copies rather
	// than a division per value, which had made the roll a quarter of
	// reading a 0.25° file.
	buf := make([]T, nlon)
	for off := 0; off+nlon <= len(values); off += nlon {
		row := values[off : off+nlon]
		copy(buf, row[nlon-shift:])
		copy(buf[shift:], row[:nlon-shift])
		copy(row, buf)
	}
}

// FlipLat reverses the row order of a row-major nlat×nlon array in place:
// it turns south-to-north data into the north-up order of this package.
func FlipLat[T any](values []T, nlon int) {
	nlat := len(values) / nlon
	for top, bot := 0, nlat-1; top < bot; top, bot = top+1, bot-1 {
		a := values[top*nlon : (top+1)*nlon]
		b := values[bot*nlon : (bot+1)*nlon]
		for c := range a {
			a[c], b[c] = b[c], a[c]
		}
	}
}
