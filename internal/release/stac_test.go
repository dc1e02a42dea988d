package release

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaFiles maps each schema's URL to its committed copy.
var schemaFiles = map[string]string{
	"https://schemas.stacspec.org/v1.0.0/item-spec/json-schema/":       "v1.0.0/item-spec/json-schema/",
	"https://schemas.stacspec.org/v1.0.0/collection-spec/json-schema/": "v1.0.0/collection-spec/json-schema/",
	"https://schemas.stacspec.org/v1.0.0/catalog-spec/json-schema/":    "v1.0.0/catalog-spec/json-schema/",
	"https://stac-extensions.github.io/table/v1.2.0/":                  "table/v1.2.0/",
	"https://geojson.org/schema/":                                      "geojson/",
}

// localLoader serves the schemas' URLs from testdata/stac-schemas, so the
// validation needs no network.
type localLoader struct{}

func (localLoader) Load(url string) (any, error) {
	for prefix, dir := range schemaFiles {
		if rest, ok := strings.CutPrefix(url, prefix); ok {
			f, err := os.Open(filepath.Join("testdata", "stac-schemas", dir, rest))
			if err != nil {
				return nil, err
			}
			defer f.Close()
			return jsonschema.UnmarshalJSON(f)
		}
	}
	return nil, os.ErrNotExist
}

func compileSchema(t *testing.T, url string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.UseLoader(localLoader{})
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", url, err)
	}
	return s
}

func readJSONFile(t *testing.T, path string) any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// TestSTACValidates makes a release and validates its collection, every
// item and the releases' catalog against the STAC 1.0.0 schemas and the
// table extension's, and checks that every asset's href names a file of
// the release.
func TestSTACValidates(t *testing.T) {
	out := t.TempDir()
	baseWorld(months2022(2)...).write(t, out)
	rel, _, err := Create(out, Options{Name: "stac", CodeVersion: "v1", Now: day1})
	if err != nil {
		t.Fatal(err)
	}
	item := compileSchema(t, "https://schemas.stacspec.org/v1.0.0/item-spec/json-schema/item.json")
	coll := compileSchema(t, "https://schemas.stacspec.org/v1.0.0/collection-spec/json-schema/collection.json")
	cat := compileSchema(t, "https://schemas.stacspec.org/v1.0.0/catalog-spec/json-schema/catalog.json")
	table := compileSchema(t, TableExtURL)

	tree := TreeDir(out, rel.ID)
	check := func(path string, schemas ...*jsonschema.Schema) map[string]any {
		v := readJSONFile(t, path)
		for _, s := range schemas {
			if err := s.Validate(v); err != nil {
				t.Errorf("%s: %v", path, err)
			}
		}
		return v.(map[string]any)
	}
	check(filepath.Join(out, Dir, catalogFile), cat)
	docs := map[string]map[string]any{CollectionFile: check(filepath.Join(tree, CollectionFile), coll, table)}
	for _, m := range rel.Months {
		name := filepath.Join(ItemsDir, m+".json")
		docs[name] = check(filepath.Join(tree, name), item, table)
	}
	// The schemas do reject: a collection without its extent, an item
	// whose time is neither a datetime nor a range.
	broken := readJSONFile(t, filepath.Join(tree, CollectionFile)).(map[string]any)
	delete(broken, "extent")
	if coll.Validate(broken) == nil {
		t.Error("a collection without extent validates")
	}
	brokenItem := readJSONFile(t, filepath.Join(tree, ItemsDir, rel.Months[0]+".json")).(map[string]any)
	delete(brokenItem["properties"].(map[string]any), "start_datetime")
	if item.Validate(brokenItem) == nil {
		t.Error("an item with a null datetime and no start_datetime validates")
	}
	if len(docs) != 3 {
		t.Fatalf("%d STAC documents, want a collection and 2 items", len(docs))
	}
	files := map[string]bool{}
	for _, f := range rel.Files {
		files[f.Path] = true
	}
	for name, doc := range docs {
		assets := doc["assets"].(map[string]any)
		if len(assets) == 0 {
			t.Errorf("%s lists no asset", name)
		}
		for key, a := range assets {
			href := a.(map[string]any)["href"].(string)
			rel := filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(name), href)))
			if !files[rel] {
				t.Errorf("%s asset %s: %s is not a file of the release", name, key, href)
			}
		}
	}
	props := docs[filepath.Join(ItemsDir, "2022-01.json")]["properties"].(map[string]any)
	if m, _ := props["carbonbudget:maturity"].(map[string]any); m["s_ocean"] != "emulated" || m["e_fos"] != "observed" || len(m) != 9 {
		t.Errorf("January's maturities %v", props["carbonbudget:maturity"])
	}
	if _, ok := docs[filepath.Join(ItemsDir, "2022-01.json")]["assets"].(map[string]any)["grid"]; !ok {
		t.Error("January's item has no grid asset")
	}
}

// TestEveryVariableHasCFAttributes reads the table columns the release's
// collection and items list and checks that every numeric column carries
// units and a long name, that fluxes say which way is positive, and that
// the CF standard names are the ones the science defines for the terms.
func TestEveryVariableHasCFAttributes(t *testing.T) {
	out := t.TempDir()
	baseWorld(months2022(1)...).write(t, out)
	rel, _, err := Create(out, Options{Now: day1})
	if err != nil {
		t.Fatal(err)
	}
	tree := TreeDir(out, rel.ID)
	var docs []map[string]any
	for _, name := range []string{CollectionFile, filepath.Join(ItemsDir, "2022-01.json")} {
		b, err := os.ReadFile(filepath.Join(tree, name))
		if err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	want := map[string]string{"e_fos_gtc": cfFossil + "|up", "s_ocean_gtc": cfOcean + "|down", "s_land_gtc": cfLandSink + "|down",
		"fire": cfFire + "|up", "ocean_uptake_mean": cfOcean + "|down", "s_land_sigma_gtc": cfLandSink + " standard_error|down"}
	seen, numeric := 0, 0
	for _, d := range docs {
		for key, a := range d["assets"].(map[string]any) {
			cols, _ := a.(map[string]any)["table:columns"].([]any)
			for _, c := range cols {
				col := c.(map[string]any)
				name, typ := col["name"].(string), col["type"].(string)
				seen++
				if typ != "DOUBLE" && typ != "FLOAT" && typ != "INTEGER" && typ != "BIGINT" && typ != "DATE" {
					continue
				}
				numeric++
				if col["units"] == nil || col["long_name"] == nil {
					t.Errorf("%s column %s (%s) has no units or long_name: %v", key, name, typ, col)
				}
				if w, ok := want[name]; ok && key != "regions" {
					got := col["standard_name"].(string) + "|" + col["positive"].(string)
					if got != w {
						t.Errorf("%s column %s: %s, want %s", key, name, got, w)
					}
				}
			}
		}
	}
	if seen < 60 || numeric < 40 {
		t.Errorf("%d columns (%d numeric) listed: the tables and the grid have more", seen, numeric)
	}
}
