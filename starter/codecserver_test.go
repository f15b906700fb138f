package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ilm-dev/ilm/internal/codec"
)

const testKeys = "k1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"

func codecConfig(t *testing.T, yaml string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keys"), []byte(testKeys), 0o600))
	path := filepath.Join(dir, "ilm.yaml")
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o600))
	return path
}

func TestCodecServerRefusesToStartWithoutKeysOrToken(t *testing.T) {
	code, _, errOut := ilm("codec-server", "--config", codecConfig(t, "temporal: {namespace: default}\n"), "--listen", "127.0.0.1:0")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "temporal.codec.keys_file is not set")

	t.Setenv("ILM_TEST_CODEC_TOKEN", "")
	code, _, errOut = ilm("codec-server", "--config", codecConfig(t, "temporal: {codec: {keys_file: keys}}\n"),
		"--listen", "127.0.0.1:0", "--token-env", "ILM_TEST_CODEC_TOKEN")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "--token-env: $ILM_TEST_CODEC_TOKEN is empty")
}

// The served handler decrypts with the config's keys (relative to the config file) and asks
// for the token; serve stops when its context ends.
func TestCodecServerServesTheConfigsKeys(t *testing.T) {
	t.Setenv("ILM_TEST_CODEC_TOKEN", "tok")
	h, err := codecHandler(codecConfig(t, "temporal: {codec: {keys_file: keys}}\n"), "http://localhost:8233,http://ui.example", "ILM_TEST_CODEC_TOKEN")
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, h) }()

	keys, err := codec.Parse("keys", strings.NewReader(testKeys))
	require.NoError(t, err)
	p, err := codec.DataConverter(keys).ToPayload("Ada Lovelace")
	require.NoError(t, err)
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: []*commonpb.Payload{p}})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/decode", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Origin", "http://ui.example")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "http://ui.example", resp.Header.Get("Access-Control-Allow-Origin"))
	var out commonpb.Payloads
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, protojson.Unmarshal(raw, &out))
	var got string
	require.NoError(t, converter.GetDefaultDataConverter().FromPayload(out.Payloads[0], &got))
	assert.Equal(t, "Ada Lovelace", got)

	cancel()
	assert.NoError(t, <-done)
}
