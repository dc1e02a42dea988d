// Package golden compares test output with golden files under testdata,
// encoded as indented JSON in struct field order with NaN as null, and
// rewrites them when a test binary runs with -update.
package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"sort"
	"strconv"
	"testing"
	"time"
)

// Check compares v, encoded as indented JSON, with the golden file at
// path, or rewrites the file when update is set. NaN is written as null
// (JSON has no NaN), so a missing value and a value are never confused.
func Check(t testing.TB, path string, v any, update bool) {
	t.Helper()
	var buf bytes.Buffer
	encode(&buf, reflect.ValueOf(v))
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "  "); err != nil {
		t.Fatalf("golden encoding of %s: %v", path, err)
	}
	out.WriteByte('\n')
	if update {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\ngot:\n%s", path, out.Bytes())
	}
}

// encode writes v as JSON keeping struct field order.
func encode(buf *bytes.Buffer, v reflect.Value) {
	if s, ok := v.Interface().(fmt.Stringer); ok && v.Kind() != reflect.Pointer {
		if tm, ok := v.Interface().(time.Time); ok {
			s = stringer(tm.Format(time.RFC3339Nano))
		}
		b, _ := json.Marshal(s.String())
		buf.Write(b)
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			buf.WriteString("null")
			return
		}
		encode(buf, v.Elem())
	case reflect.Struct:
		buf.WriteByte('{')
		for i := 0; i < v.NumField(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			fmt.Fprintf(buf, "%q:", v.Type().Field(i).Name)
			encode(buf, v.Field(i))
		}
		buf.WriteByte('}')
	case reflect.Slice, reflect.Array:
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			encode(buf, v.Index(i))
		}
		buf.WriteByte(']')
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			fmt.Fprintf(buf, "%q:", fmt.Sprint(k))
			encode(buf, v.MapIndex(k))
		}
		buf.WriteByte('}')
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			buf.WriteString("null")
			return
		}
		buf.WriteString(strconv.FormatFloat(f, 'g', -1, v.Type().Bits()))
	default:
		b, err := json.Marshal(v.Interface())
		if err != nil {
			panic(err)
		}
		buf.Write(b)
	}
}

type stringer string

func (s stringer) String() string { return string(s) }
