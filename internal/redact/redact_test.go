package redact

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
)

const secret = `s3cr3t/pa"ss+word`

func TestRedactorBlanksEveryForm(t *testing.T) {
	r := New(secret)
	r.AddBasic("svc-ilm", "basic-pass-123")
	utf16le := func(s string) string {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return string(b)
	}
	for name, text := range map[string]string{
		"raw":          "bind failed for " + secret,
		"base64":       "token " + base64.StdEncoding.EncodeToString([]byte(secret)),
		"url-encoded":  "GET /x?password=" + url.QueryEscape(secret),
		"json":         `{"detail":"bad token s3cr3t/pa\"ss+word"}`,
		"unicodePwd":   "constraint on unicodePwd " + utf16le(`"`+secret+`"`),
		"basic header": "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("svc-ilm:basic-pass-123")),
		"sasl plain":   "AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00svc-ilm\x00basic-pass-123")),
	} {
		out := r.String(text)
		assert.NotContains(t, out, secret, name)
		assert.NotContains(t, out, "basic-pass-123", name)
		assert.NotEqual(t, text, out, name)
		assert.Contains(t, out, Mask, name)
	}
}

func TestRedactorIgnoresShortAndEmptyValues(t *testing.T) {
	r := New("", "abc")
	assert.Equal(t, "abc is here", r.String("abc is here"))
	var none *Redactor
	assert.Equal(t, "x "+secret, none.String("x "+secret))
}

func TestWithLeavesTheOriginalAlone(t *testing.T) {
	r := New(secret)
	w := r.With("temporary-Pw-42")
	assert.Equal(t, "*** ***", w.String(secret+" temporary-Pw-42"))
	assert.Equal(t, "*** temporary-Pw-42", r.String(secret+" temporary-Pw-42"))
}

func TestErrorKeepsTheChain(t *testing.T) {
	base := errors.New("refused " + secret)
	err := New(secret).Error(fmt.Errorf("bind: %w", base))
	assert.Equal(t, "bind: refused ***", err.Error())
	assert.ErrorIs(t, err, base)
	clean := errors.New("no secret here")
	assert.Same(t, clean, New(secret).Error(clean))
}
