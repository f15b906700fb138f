package codec

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// EmailHashPrefix starts every keyed Email search attribute value.
const EmailHashPrefix = "hmac-sha256:"

// emailKeyInfo is the HKDF label of the keys the Email search attribute is hashed under: a
// key of its own, derived from each codec key, so the hashes say nothing of the key that
// seals payloads.
const emailKeyInfo = "ilm Email search attribute v1"

// EmailSearch makes the values of the Email search attribute, by which an incident is
// found by the person's email. Temporal indexes search attributes in clear, so with a
// codec a value is a keyed hash of the lower-cased email: EmailHashPrefix and the hex of
// HMAC-SHA256 under a key derived (HKDF-SHA256) from a codec key. Without one (the zero
// EmailSearch) it is the lower-cased email itself: the history is in clear anyway.
type EmailSearch struct {
	// keys are the derived keys, in the keys file's order: the first one writes.
	keys [][]byte
}

// Keyed says whether values are keyed hashes rather than emails.
func (s EmailSearch) Keyed() bool { return len(s.keys) > 0 }

// Value is what an incident of the person with that email stores; "" for no email.
func (s EmailSearch) Value(email string) string {
	email = normalEmail(email)
	if email == "" || !s.Keyed() {
		return email
	}
	return hashEmail(s.keys[0], email)
}

// Values are the values an incident of that email may store, one per key of the keys file
// (an incident started before a rotation stores the old key's): a lookup asks for any.
func (s EmailSearch) Values(email string) []string {
	email = normalEmail(email)
	if email == "" {
		return nil
	}
	if !s.Keyed() {
		return []string{email}
	}
	out := make([]string, len(s.keys))
	for i, k := range s.keys {
		out[i] = hashEmail(k, email)
	}
	return out
}

func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func hashEmail(key []byte, email string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(email))
	return EmailHashPrefix + hex.EncodeToString(mac.Sum(nil))
}

// EmailSearch returns the Email search attribute's values under the codec's keys.
func (c *Codec) EmailSearch() EmailSearch { return EmailSearch{keys: c.emailKeys} }

// emailKey derives the Email search attribute's key from a codec key.
func emailKey(key []byte) []byte {
	k, err := hkdf.Key(sha256.New, key, nil, emailKeyInfo, sha256.Size)
	if err != nil {
		// Only a length past 255 hashes fails, and sha256.Size is one.
		panic("codec: derive the Email search key: " + err.Error())
	}
	return k
}
