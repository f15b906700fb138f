package wiring

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/config"
)

// The worker compiles the unique-names mapper at start: off, none; on, the stock one by
// default; a mapper without username_candidates is refused, naming the key.
func TestUniqueNamesMapperAtStart(t *testing.T) {
	dir := t.TempDir()
	load := func(doc string) *Env {
		t.Helper()
		path := filepath.Join(dir, "ilm.yaml")
		require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
		cfg, err := config.Load(path)
		require.NoError(t, err)
		return &Env{Config: cfg}
	}

	names, err := load(`{}`).UniqueNames()
	require.NoError(t, err)
	assert.Nil(t, names, "off by default")

	names, err = load(`provisioning: {unique_names: {enabled: true}}`).UniqueNames()
	require.NoError(t, err)
	require.NotNil(t, names)
	assert.Equal(t, "unique-names", names.Mapper.Name)
	assert.Equal(t, 20, names.MaxLength)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "names.yaml"), []byte("fields: {login: email}"), 0o600))
	_, err = load(`provisioning: {unique_names: {enabled: true, mapper: names.yaml}}`).UniqueNames()
	assert.ErrorContains(t, err, "provisioning.unique_names.mapper: mapper names has no username_candidates field")
}
