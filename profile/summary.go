package profile

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
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
		buf = appendDigestPair(buf[:0], k, strings.TrimSpace(f[k]))
		h.Write(buf)
	}
	var d Digest
	h.Sum(d[:0])
	return d
}

// appendDigestPair appends the canonical encoding of one (key, value) pair.
func appendDigestPair(buf []byte, k, v string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(k)))
	buf = append(buf, k...)
	buf = binary.AppendUvarint(buf, uint64(len(v)))
	return append(buf, v...)
}

// Digester computes DigestOf for many field sets with mostly the same keys, as the rows of a
// report have: it keeps the keys it has seen in order, so it sorts them only when a set
// brings a new one, and it reuses its hash. The zero Digester is ready; it is not safe for
// concurrent use.
type Digester struct {
	keys []string // sorted: every key of the field sets seen so far
	h    hash.Hash
	buf  []byte
}

// Of returns DigestOf(f).
func (g *Digester) Of(f Fields) Digest {
	if g.h == nil {
		g.h = sha256.New()
	}
	g.h.Reset()
	known := 0 // keys of f that g.keys holds
	for _, k := range g.keys {
		v, ok := f[k]
		if !ok {
			continue
		}
		known++
		if v = strings.TrimSpace(v); v != "" {
			g.buf = appendDigestPair(g.buf[:0], k, v)
			g.h.Write(g.buf)
		}
	}
	if known < len(f) {
		// A key not seen before: learn it, and digest f the plain way this once.
		for k := range f {
			if _, found := slices.BinarySearch(g.keys, k); !found {
				g.keys = append(g.keys, k)
			}
		}
		slices.Sort(g.keys)
		return DigestOf(f)
	}
	var d Digest
	g.h.Sum(d[:0])
	return d
}
