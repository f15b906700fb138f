package mappers

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// stock holds the mapper files shipped with ILM, so a fresh install works without
// copying them next to its configuration.
//
//go:embed *.yaml
var stock embed.FS

// Stock returns the stock mapper of that name ("workday-incoming" or
// "workday-incoming.yaml").
func Stock(name string) (*Mapper, error) {
	base := strings.TrimSuffix(name, ".yaml")
	data, err := stock.ReadFile(base + ".yaml")
	if err != nil {
		names, _ := fs.Glob(stock, "*.yaml")
		return nil, fmt.Errorf("no stock mapper %q (have %s)", name, strings.Join(names, ", "))
	}
	return Parse(base, data)
}

// Load reads a mapper file. When the file does not exist and its base name is a stock
// mapper's (say "mappers/workday-incoming.yaml"), the stock copy is used.
func Load(path string) (*Mapper, error) {
	base := strings.TrimSuffix(filepath.Base(path), ".yaml")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := fs.Stat(stock, base+".yaml"); serr == nil {
			return Stock(base)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("mapper %q: %w", path, err)
	}
	return Parse(base, data)
}
