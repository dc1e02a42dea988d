package output

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"

	"github.com/carbonbudget/carbonbudget/internal/durable"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// WriteParquet writes rows of a struct type with parquet tags to path,
// atomically, zstd-compressed, with kv as file key/value metadata.
func WriteParquet[T any](path string, rows []T, kv map[string]string) error {
	return durable.WriteFile(path, func(w io.Writer) error { return EncodeParquet(w, rows, kv) })
}

// EncodeParquet writes rows as a Parquet file to w.
func EncodeParquet[T any](w io.Writer, rows []T, kv map[string]string) error {
	opts := []parquet.WriterOption{parquet.Compression(&zstd.Codec{Level: zstd.SpeedDefault})}
	for _, k := range sortedKeys(kv) {
		opts = append(opts, parquet.KeyValueMetadata(k, kv[k]))
	}
	pw := parquet.NewGenericWriter[T](w, opts...)
	if _, err := pw.Write(rows); err != nil {
		return err
	}
	return pw.Close()
}

// ReadParquet reads a whole file written by WriteParquet.
func ReadParquet[T any](path string) ([]T, error) {
	rows, err := parquet.ReadFile[T](path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return rows, nil
}

// WriteCSV writes a header and records to path, atomically.
func WriteCSV(path string, header []string, records [][]string) error {
	return durable.WriteFile(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return err
		}
		if err := cw.WriteAll(records); err != nil {
			return err
		}
		return cw.Error()
	})
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
