package codec

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"
)

// Load reads a keys file and returns its codec. The file holds one key a line, `KEYID
// BASE64KEY` (32 bytes once decoded); blank lines and lines starting with # are skipped. The
// first key encrypts, every key decrypts. Errors name the file and line, never a key.
func Load(path string) (*Codec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	return Parse(path, bytes.NewReader(data))
}

// Parse reads keys in the keys file format from r; name is the file's name in errors.
func Parse(name string, r io.Reader) (*Codec, error) {
	var keys []Key
	lines := map[string]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: want KEYID BASE64KEY, got %d fields", name, n, len(fields))
		}
		id := fields[0]
		if first, dup := lines[id]; dup {
			return nil, fmt.Errorf("%s:%d: key id %q already on line %d", name, n, id, first)
		}
		key, err := base64.StdEncoding.DecodeString(fields[1])
		if err != nil {
			// The decoder's error quotes the offending byte; the key stays out of logs.
			return nil, fmt.Errorf("%s:%d: key %q is not standard base64", name, n, id)
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("%s:%d: key %q is %d bytes, want %d (head -c 32 /dev/urandom | base64)", name, n, id, len(key), KeySize)
		}
		lines[id] = n
		keys = append(keys, Key{ID: id, Bytes: key})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no keys (want lines of KEYID BASE64KEY)", name)
	}
	c, err := New(keys...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}
