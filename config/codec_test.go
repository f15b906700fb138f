package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// temporal.codec.keys_file is relative to the config file, and a keys file others can read
// is warned about like any other secret file.
func TestCodecKeysFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "codec-keys"), []byte("k1 key-material\n"), 0o644))
	path := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(path, []byte("temporal: {codec: {keys_file: codec-keys}}\n"), 0o600))
	cfg, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "codec-keys"), cfg.Temporal.Codec.KeysFile)
	ws := strings.Join(cfg.Warnings(), "\n")
	assert.Contains(t, ws, "temporal.codec.keys_file: "+filepath.Join(dir, "codec-keys")+" is readable by group or others (mode 0644)")
	assert.NotContains(t, ws, "key-material")

	_, err = Parse([]byte("temporal: {codec: {keysfile: x}}\n"))
	assert.ErrorContains(t, err, `temporal.codec: unknown key "keysfile"`)
}
