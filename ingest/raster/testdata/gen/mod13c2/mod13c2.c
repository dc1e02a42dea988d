/*
 * mod13c2 writes an HDF4 file with the structure of a MODIS MOD13C2
 * monthly CMG file as the MOD13 user guide (Didan 2015) and the HDF-EOS2
 * grid model describe it: int16 scientific datasets "CMG 0.05 Deg Monthly
 * NDVI" and "CMG 0.05 Deg Monthly EVI" on dimensions YDim/XDim of grid
 * MOD_Grid_monthly_CMG_VI, with long_name, units, valid_range
 * -2000..10000, _FillValue -3000 and the HDF4 calibration attributes
 * (scale_factor 10000, the divisor); then the HDF-EOS2 grid: the
 * StructMetadata.0 text (geographic projection, global, upper left at
 * 180°W 90°N in packed degrees) and the vgroup "MOD_Grid_monthly_CMG_VI"
 * (class GRID) holding "Data Fields" (the datasets) and "Grid Attributes".
 * With -plain it stops before the HDF-EOS part, so that GDAL lists plain
 * HDF4 SDS. The NDVI counts come from stdin (int16, native order, rows
 * north first); EVI is constant.
 *
 * Built and run by gen (main.go): cc mod13c2.c -I/usr/include/hdf
 * -lmfhdfalt -ldfalt; usage: mod13c2 [-plain] OUT NROWS NCOLS < counts
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mfhdf.h>

static const char *structMetadata =
"GROUP=SwathStructure\nEND_GROUP=SwathStructure\nGROUP=GridStructure\n"
"\tGROUP=GRID_1\n\t\tGridName=\"MOD_Grid_monthly_CMG_VI\"\n\t\tXDim=%d\n\t\tYDim=%d\n"
"\t\tUpperLeftPointMtrs=(-180000000.000000,90000000.000000)\n"
"\t\tLowerRightMtrs=(180000000.000000,-90000000.000000)\n"
"\t\tProjection=GCTP_GEO\n\t\tGridOrigin=HDFE_GD_UL\n"
"\t\tGROUP=Dimension\n\t\tEND_GROUP=Dimension\n\t\tGROUP=DataField\n"
"\t\t\tOBJECT=DataField_1\n\t\t\t\tDataFieldName=\"CMG 0.05 Deg Monthly NDVI\"\n\t\t\t\tDataType=DFNT_INT16\n\t\t\t\tDimList=(\"YDim\",\"XDim\")\n\t\t\tEND_OBJECT=DataField_1\n"
"\t\t\tOBJECT=DataField_2\n\t\t\t\tDataFieldName=\"CMG 0.05 Deg Monthly EVI\"\n\t\t\t\tDataType=DFNT_INT16\n\t\t\t\tDimList=(\"YDim\",\"XDim\")\n\t\t\tEND_OBJECT=DataField_2\n"
"\t\tEND_GROUP=DataField\n\t\tGROUP=MergedFields\n\t\tEND_GROUP=MergedFields\n"
"\tEND_GROUP=GRID_1\nEND_GROUP=GridStructure\nGROUP=PointStructure\nEND_GROUP=PointStructure\nEND\n";

static int32 refs[2];
static int nrefs;

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
	refs[nrefs++] = SDidtoref(sds);
	return SDendaccess(sds);
}

static int eosGrid(const char *path)
{
	int32 fid = Hopen(path, DFACC_WRITE, 0);
	if (fid == FAIL || Vstart(fid) == FAIL)
		return -1;
	int32 grid = Vattach(fid, -1, "w"), data = Vattach(fid, -1, "w"), attrs = Vattach(fid, -1, "w");
	Vsetname(grid, "MOD_Grid_monthly_CMG_VI");
	Vsetclass(grid, "GRID");
	Vsetname(data, "Data Fields");
	Vsetclass(data, "GRID Vgroup");
	Vsetname(attrs, "Grid Attributes");
	Vsetclass(attrs, "GRID Vgroup");
	for (int i = 0; i < nrefs; i++)
		Vaddtagref(data, DFTAG_NDG, refs[i]);
	/* HDF-EOS takes the grid's first child for its fields, the second for
	 * its attributes. */
	Vinsert(grid, data);
	Vinsert(grid, attrs);
	Vdetach(attrs);
	Vdetach(data);
	Vdetach(grid);
	Vend(fid);
	return Hclose(fid) == FAIL ? -1 : 0;
}

int main(int argc, char **argv)
{
	int plain = argc == 5 && strcmp(argv[1], "-plain") == 0;
	if (plain) {
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: mod13c2 [-plain] OUT NROWS NCOLS < counts\n");
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
	    field(sd, "CMG 0.05 Deg Monthly EVI", rows, cols, evi) < 0) {
		fprintf(stderr, "mod13c2: writing %s failed\n", argv[1]);
		return 1;
	}
	if (!plain) {
		char meta[4096];
		snprintf(meta, sizeof meta, structMetadata, cols, rows);
		SDsetattr(sd, "StructMetadata.0", DFNT_CHAR8, strlen(meta), meta);
	}
	if (SDend(sd) == FAIL || (!plain && eosGrid(argv[1]) < 0)) {
		fprintf(stderr, "mod13c2: writing %s failed\n", argv[1]);
		return 1;
	}
	return 0;
}
