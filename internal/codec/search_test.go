package codec

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Without a codec the Email search attribute holds the lower-cased email.
func TestEmailSearchInClear(t *testing.T) {
	var s EmailSearch
	assert.False(t, s.Keyed())
	assert.Equal(t, "ada@example.com", s.Value("  Ada@Example.COM "))
	assert.Equal(t, []string{"ada@example.com"}, s.Values("Ada@example.com"))
	assert.Empty(t, s.Value(""))
	assert.Empty(t, s.Values(" "))
}

// With a codec it holds a keyed hash: never the email, the same for any case of it, other
// under another key, and stable (the values are stored in Temporal: a change of the
// derivation would lose every incident stored before it).
func TestEmailSearchKeyed(t *testing.T) {
	fixed := Key{ID: "2026-11", Bytes: bytes.Repeat([]byte{7}, KeySize)}
	s := mustNew(t, fixed).EmailSearch()
	require.True(t, s.Keyed())
	v := s.Value("Ada@Example.com")
	assert.Equal(t, "hmac-sha256:"+knownAnswer, v)
	assert.Equal(t, v, s.Value("ada@example.com "))
	assert.NotContains(t, strings.ToLower(v), "ada")
	assert.Equal(t, []string{v}, s.Values("ADA@example.com"))
	assert.NotEqual(t, v, s.Value("bob@example.com"))

	other, _ := newKey(t, "other")
	assert.NotEqual(t, v, mustNew(t, other).EmailSearch().Value("ada@example.com"))
	assert.Empty(t, s.Value(""))
}

// After a rotation (a new key first) new incidents store the new key's value, and a lookup
// asks for every key's, so incidents stored under the old key are still found.
func TestEmailSearchSurvivesRotation(t *testing.T) {
	oldKey, _ := newKey(t, "2026-05")
	newKey, _ := newKey(t, "2026-11")
	before := mustNew(t, oldKey).EmailSearch().Value("ada@example.com")
	rotated := mustNew(t, newKey, oldKey).EmailSearch()
	after := rotated.Value("ada@example.com")
	assert.NotEqual(t, before, after)
	assert.Equal(t, []string{after, before}, rotated.Values("Ada@example.com"))
}

// knownAnswer is the value of ada@example.com under the key of 32 bytes of 7, computed apart
// (RFC 5869 HKDF-SHA256, no salt, info "ilm Email search attribute v1"; then HMAC-SHA256 of
// the email) with Python's hmac module.
const knownAnswer = "c89800a8896c73ebbc475e267860e79e96d2e15078b26dea30b942694c760154"
