package okta

import (
	"crypto/rand"
	"fmt"
)

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomID is n random characters from Okta's id alphabet; ids are a 3-character type
// prefix ("00u" users, "0oa" apps, "0ua" app users, "00g" groups) plus 17 of these.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

func newID(prefix string) string { return prefix + randomID(17) }

// requestID looks like Okta's X-Okta-Request-Id (27 characters).
func requestID() string { return randomID(27) }

// newUUID is a random (version 4) UUID, the shape of System Log event uuids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
