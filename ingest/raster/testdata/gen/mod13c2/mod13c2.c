/*
 * mod13c2 writes an HDF4 file with the scientific datasets of a MODIS
 * MOD13C2 monthly CMG file as the MOD13 user guide (Didan 2015) describes
 * them: int16 "CMG 0.05 Deg Monthly NDVI" and "CMG 0.05 Deg Monthly EVI"
 * on dimensions named YDim/XDim of grid MOD_Grid_monthly_CMG_VI, with
 * long_name, units, valid_range -2000..10000, _FillValue -3000 and the
 * HDF4 calibration attributes (scale_factor 10000, the divisor). It writes
 * no HDF-EOS structural metadata, so GDAL lists the fields as plain HDF4
 * SDS. The NDVI counts come from stdin (int16, native order, rows north
 * first); EVI is constant.
 *
 * Built and run by gen (main.go): cc mod13c2.c -I/usr/include/hdf
 * -lmfhdfalt -ldfalt; usage: mod13c2 OUT NROWS NCOLS < counts
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mfhdf.h>

static int field(int32 sd, const char *name, int32 rows, int32 cols, int16 *data)
{
	int32 dims[2] = {rows, cols}, start[2] = {0, 0};
	int16 fill = -3000, lo = -2000, hi = 10000;
	int32 sds = SDcreate(sd, name, DFNT_INT16, 2, dims);
	if (sds == FAIL)
		return -1;
	SDsetdimname(SDgetdimid(sds, 0), "YDim:MOD_Grid_monthly_CMG_VI");
	SDsetdimname(SDgetdimid(sds, 1), "XDim:MOD_Grid_monthly_CMG_VI");
	SDsetattr(sds, "long_name", DFNT_CHAR8, strlen(name), name);
	SDsetattr(sds, "units", DFNT_CHAR8, 4, strstr(name, "NDVI") ? "NDVI" : "EVI ");
	if (SDsetrange(sds, &hi, &lo) == FAIL || SDsetfillvalue(sds, &fill) == FAIL ||
	    SDsetcal(sds, 10000.0, 0.0, 0.0, 0.0, DFNT_INT16) == FAIL ||
	    SDwritedata(sds, start, NULL, dims, data) == FAIL)
		return -1;
	return SDendaccess(sds);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: mod13c2 OUT NROWS NCOLS < counts\n");
		return 2;
	}
	int32 rows = atoi(argv[2]), cols = atoi(argv[3]);
	size_t n = (size_t)rows * cols;
	int16 *ndvi = malloc(n * sizeof *ndvi), *evi = malloc(n * sizeof *evi);
	if (!ndvi || !evi || fread(ndvi, sizeof *ndvi, n, stdin) != n) {
		fprintf(stderr, "mod13c2: want %zu int16 counts on stdin\n", n);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		evi[i] = 1234;
	int32 sd = SDstart(argv[1], DFACC_CREATE);
	if (sd == FAIL || field(sd, "CMG 0.05 Deg Monthly NDVI", rows, cols, ndvi) < 0 ||
	    field(sd, "CMG 0.05 Deg Monthly EVI", rows, cols, evi) < 0 || SDend(sd) == FAIL) {
		fprintf(stderr, "mod13c2: writing %s failed\n", argv[1]);
		return 1;
	}
	return 0;
}
