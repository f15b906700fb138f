package codec

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

const person = `{"displayname":"Ada Lovelace","email":"ada@example.com"}`

func newKey(t *testing.T, id string) (Key, string) {
	t.Helper()
	k := Key{ID: id, Bytes: make([]byte, KeySize)}
	_, err := rand.Read(k.Bytes)
	require.NoError(t, err)
	return k, fmt.Sprintf("%s %s\n", id, base64.StdEncoding.EncodeToString(k.Bytes))
}

func mustNew(t *testing.T, keys ...Key) *Codec {
	t.Helper()
	c, err := New(keys...)
	require.NoError(t, err)
	return c
}

func payload(t *testing.T, v any) *commonpb.Payload {
	t.Helper()
	p, err := converter.GetDefaultDataConverter().ToPayload(v)
	require.NoError(t, err)
	return p
}

func TestRoundTrip(t *testing.T) {
	k, _ := newKey(t, "k1")
	c := mustNew(t, k)
	in := payload(t, person)

	enc, err := c.Encode([]*commonpb.Payload{in})
	require.NoError(t, err)
	require.Len(t, enc, 1)
	assert.Equal(t, Encoding, string(enc[0].Metadata[converter.MetadataEncoding]))
	assert.Equal(t, "k1", string(enc[0].Metadata[MetadataKeyID]))
	assert.NotContains(t, string(enc[0].Data), "Lovelace")
	assert.NotContains(t, string(enc[0].Data), "json/plain", "the original metadata is sealed too")

	dec, err := c.Decode(enc)
	require.NoError(t, err)
	var got string
	require.NoError(t, converter.GetDefaultDataConverter().FromPayload(dec[0], &got))
	assert.Equal(t, person, got)
}

func TestNonceDiffersPerPayload(t *testing.T) {
	k, _ := newKey(t, "k1")
	c := mustNew(t, k)
	p := payload(t, person)
	enc, err := c.Encode([]*commonpb.Payload{p, p})
	require.NoError(t, err)
	n := 12 // GCM's standard nonce size
	assert.NotEqual(t, enc[0].Data[:n], enc[1].Data[:n])
	assert.NotEqual(t, enc[0].Data, enc[1].Data)
}

// A payload sealed under an old key still opens after a new key is put first, and new
// payloads are sealed under the new key.
func TestRotation(t *testing.T) {
	old, oldLine := newKey(t, "2025")
	_, newLine := newKey(t, "2026")
	dir := t.TempDir()
	before, err := Parse("before", strings.NewReader(oldLine))
	require.NoError(t, err)
	sealed, err := before.Encode([]*commonpb.Payload{payload(t, person)})
	require.NoError(t, err)

	path := filepath.Join(dir, "keys")
	require.NoError(t, os.WriteFile(path, []byte("# rotated\n"+newLine+"\n"+oldLine), 0o600))
	after, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, "2026", after.KeyID())

	dec, err := after.Decode(sealed)
	require.NoError(t, err)
	var got string
	require.NoError(t, converter.GetDefaultDataConverter().FromPayload(dec[0], &got))
	assert.Equal(t, person, got)

	resealed, err := after.Encode([]*commonpb.Payload{payload(t, person)})
	require.NoError(t, err)
	assert.Equal(t, "2026", string(resealed[0].Metadata[MetadataKeyID]))
	_, err = mustNew(t, old).Decode(resealed)
	assert.ErrorContains(t, err, `key "2026" is not in the keys file`)
}

func TestDecodeErrors(t *testing.T) {
	k1, _ := newKey(t, "k1")
	k2, _ := newKey(t, "k2")
	c := mustNew(t, k1)
	sealed, err := c.Encode([]*commonpb.Payload{payload(t, person)})
	require.NoError(t, err)

	_, err = mustNew(t, k2).Decode(sealed)
	assert.EqualError(t, err, `decrypt payload: key "k1" is not in the keys file`)

	noID := &commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte(Encoding)}, Data: sealed[0].Data}
	_, err = c.Decode([]*commonpb.Payload{noID})
	assert.EqualError(t, err, "decrypt payload: no encryption-key-id in its metadata")

	// The same id over other key bytes: authentication fails, no garbage comes out.
	impostor := Key{ID: "k1", Bytes: k2.Bytes}
	_, err = mustNew(t, impostor).Decode(sealed)
	assert.ErrorContains(t, err, `decrypt payload (key "k1"): cipher: message authentication failed`)

	plain := payload(t, "not encrypted")
	out, err := c.Decode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	assert.Same(t, plain, out[0], "payloads written before the codec pass through")
}

func TestKeysFileErrorsNameTheLine(t *testing.T) {
	_, good := newKey(t, "k1")
	secret := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 16))
	for _, tc := range []struct {
		name, file, want string
	}{
		{"one field", "# keys\n\nk1\n", "keys:3: want KEYID BASE64KEY, got 1 fields"},
		{"three fields", good + "k2 a b\n", "keys:2: want KEYID BASE64KEY, got 3 fields"},
		{"not base64", good + "k2 not*base64!\n", `keys:2: key "k2" is not standard base64`},
		{"short key", "\n" + "k2 " + secret + "\n", `keys:2: key "k2" is 16 bytes, want 32 (head -c 32 /dev/urandom | base64)`},
		{"duplicate id", good + good, `keys:2: key id "k1" already on line 1`},
		{"empty", "# nothing yet\n\n", "keys: no keys (want lines of KEYID BASE64KEY)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("keys", strings.NewReader(tc.file))
			require.EqualError(t, err, tc.want)
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, err.Error(), strings.Fields(good)[1])
		})
	}
	_, err := Load(filepath.Join(t.TempDir(), "missing"))
	assert.ErrorContains(t, err, "keys file: open ")
}

// With the failure converter, an error's message and stack trace travel encrypted: an error
// that quotes an email does not show it to Temporal.
func TestFailureMessagesAreEncrypted(t *testing.T) {
	k, _ := newKey(t, "k1")
	dc := DataConverter(mustNew(t, k))
	fc := FailureConverter(dc)
	cause := temporal.NewApplicationError("no mailbox for ada@example.com", "NotFound", "ada@example.com")
	f := fc.ErrorToFailure(cause)
	raw := fmt.Sprintf("%v", f)
	assert.NotContains(t, raw, "ada@example.com")
	assert.NotNil(t, f.EncodedAttributes)

	back := fc.FailureToError(f)
	var app *temporal.ApplicationError
	require.True(t, errors.As(back, &app))
	assert.Equal(t, "no mailbox for ada@example.com", app.Message())
	var detail string
	require.NoError(t, app.Details(&detail))
	assert.Equal(t, "ada@example.com", detail)
}
