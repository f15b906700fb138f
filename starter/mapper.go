package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ilm-dev/ilm/mappers"
)

// runMapper is `ilm mapper test`: it runs a mapper over a row (or an array of rows) and
// prints what the mapper makes of it, for operators who write mappers. It needs no config.
func runMapper(args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("mapper", stdout, stderr)
	mapperPath := fs.String("mapper", "", "mapper file (or a stock mapper's name, e.g. okta-outgoing)")
	input := fs.String("input", "", "a JSON object (a report row or profile fields), an array of them, or - for stdin")
	dateFormat := fs.String("date-format", "", "Go layout of the input's dates (incoming mappers), default ISO")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "test" {
		return &exitCodeError{code: exitUsage, err: errors.New("want: ilm mapper test --mapper F --input row.json")}
	}
	if err := required("mapper", *mapperPath, "input", *input); err != nil {
		return err
	}
	m, err := loadMapper(*mapperPath)
	if err != nil {
		return err
	}
	rows, err := readRows(*input)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if len(rows) == 1 {
		enc.SetIndent("", "  ")
	}
	failed := false
	for i, row := range rows {
		out, err := m.Map(row, mappers.Options{DateLayout: *dateFormat, Row: i + 1})
		if err != nil {
			failed = true
			fmt.Fprintln(stderr, err)
		}
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	if failed {
		return &exitCodeError{code: exitError}
	}
	return nil
}

// loadMapper reads a mapper file, or a stock mapper by name.
func loadMapper(path string) (*mappers.Mapper, error) {
	if _, err := os.Stat(path); err != nil {
		if m, serr := mappers.Stock(path); serr == nil {
			return m, nil
		}
	}
	return mappers.Load(path)
}

// readRows reads one JSON object or an array of objects from a file or stdin.
func readRows(path string) ([]map[string]any, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var rows []map[string]any
		if err := json.Unmarshal(data, &rows); err != nil {
			return nil, fmt.Errorf("%s: %w (want a JSON object or an array of objects)", path, err)
		}
		return rows, nil
	}
	var row map[string]any
	if err := json.Unmarshal(data, &row); err != nil {
		return nil, fmt.Errorf("%s: %w (want a JSON object or an array of objects)", path, err)
	}
	return []map[string]any{row}, nil
}
