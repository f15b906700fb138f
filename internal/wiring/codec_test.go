package wiring

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
)

func TestEncrypt(t *testing.T) {
	var plain client.Options
	require.NoError(t, Encrypt(&plain, ""))
	assert.Nil(t, plain.DataConverter, "no keys file: the SDK's defaults")
	assert.Nil(t, plain.FailureConverter)

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	require.NoError(t, os.WriteFile(bad, []byte("k1\n"), 0o600))
	var opts client.Options
	err := Encrypt(&opts, bad)
	assert.EqualError(t, err, "temporal.codec.keys_file: "+bad+":1: want KEYID BASE64KEY, got 1 fields")

	good := filepath.Join(dir, "good")
	require.NoError(t, os.WriteFile(good, []byte("k1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"), 0o600))
	require.NoError(t, Encrypt(&opts, good))
	p, err := opts.DataConverter.ToPayload("Ada Lovelace")
	require.NoError(t, err)
	assert.Equal(t, "binary/encrypted", string(p.Metadata["encoding"]))
	assert.Equal(t, "k1", string(p.Metadata["encryption-key-id"]))
	f := opts.FailureConverter.ErrorToFailure(assert.AnError)
	assert.NotContains(t, f.String(), assert.AnError.Error(), "failure messages are encrypted too")
}
