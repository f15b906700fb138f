package profile

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strings"
)

// Summary is the little of a profile that event detection needs for every stored person on
// every poll: the keys, the lifecycle state, and a digest standing for the fields. Stores keep
// it in columns, so a poll reads summaries without decoding any profile's fields, and loads
// whole profiles only for the people an event concerns.
type Summary struct {
	EmployeeID         string
	Email              string // lower-cased
	DisplayName        string
	EmploymentStatus   string
	TerminationTrigger string
	ADStatus           ADStatus
	SourcePriority     int
	ConversionHire     bool
	Digest             Digest
}

// Summary returns the summary of p.
func (p Profile) Summary() Summary {
	return Summary{
		EmployeeID:         p.EmployeeID(),
		Email:              p.Email(),
		DisplayName:        p.DisplayName(),
		EmploymentStatus:   p.Fields.Get(EmploymentStatus),
		TerminationTrigger: p.Fields.Get(TerminationTrigger),
		ADStatus:           p.ADStatus,
		SourcePriority:     p.SourcePriority,
		ConversionHire:     p.ConversionHire,
		Digest:             DigestOf(p.Fields),
	}
}

// IsActive is Profile.IsActive of the summarized profile.
func (s Summary) IsActive() bool {
	return !strings.EqualFold(s.EmploymentStatus, StatusTerminated) && s.ADStatus != ADDisabled
}

// Digest is the SHA-256 of a canonical encoding of fields: two field sets have the same
// digest exactly when Diff finds no change between them (but for a SHA-256 collision). It is
// stored, so the encoding never changes; were it to, stale digests would only cost loads,
// since a digest that differs is always checked with Diff.
type Digest [sha256.Size]byte

// digestKeysOnStack is how many keys DigestOf sorts without allocating: more than the stock
// fields.
const digestKeysOnStack = 64

// DigestOf returns the digest of fields: the SHA-256 of the (key, trimmed value) pairs with a
// non-blank value, in key order, each string prefixed with its length.
func DigestOf(f Fields) Digest {
	var stack [digestKeysOnStack]string
	keys := stack[:0]
	for k, v := range f {
		if strings.TrimSpace(v) != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	h := sha256.New()
	var buf []byte
	for _, k := range keys {
		v := strings.TrimSpace(f[k])
		buf = binary.AppendUvarint(buf[:0], uint64(len(k)))
		buf = append(buf, k...)
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		buf = append(buf, v...)
		h.Write(buf)
	}
	var d Digest
	h.Sum(d[:0])
	return d
}
