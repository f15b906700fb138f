package lifecycle

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strconv"

	"github.com/ilm-dev/ilm/profile"
)

// PlanDigest identifies a plan exactly: the SHA-256, in hex, of the instance and of every
// event — its type, the person, the changed fields and the whole profile it would store — in
// a canonical order. An operator who accepts a plan past the guard accepts it by its digest,
// and a poll runs that plan or nothing: a report that changes any event changes the digest.
// Row numbers and wording are left out, so a report that only reorders its rows keeps it.
func PlanDigest(instance string, events []Event) string {
	entries := make([][]byte, len(events))
	for i := range events {
		entries[i] = appendEvent(nil, &events[i])
	}
	slices.SortFunc(entries, bytes.Compare)
	h := sha256.New()
	h.Write(appendString(nil, instance))
	h.Write(binary.AppendUvarint(nil, uint64(len(entries))))
	for _, e := range entries {
		h.Write(e)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// appendEvent encodes what an event is and what it would write, each part length-prefixed
// so that no two events encode alike.
func appendEvent(b []byte, ev *Event) []byte {
	p := &ev.Profile
	b = appendString(b, string(ev.Type))
	b = appendString(b, string(ev.Intended))
	b = appendString(b, ev.EmployeeID)
	b = appendString(b, ev.Email)
	b = binary.AppendUvarint(b, uint64(len(ev.ChangedFields)))
	for _, k := range profile.SortedKeys(ev.ChangedFields) {
		c := ev.ChangedFields[k]
		b = appendString(appendString(appendString(b, k), c.Old), c.New)
	}
	fields, old := profile.DigestOf(p.Fields), profile.DigestOf(p.OldUserData)
	b = append(append(b, fields[:]...), old[:]...)
	b = appendString(b, string(p.ADStatus))
	b = appendString(b, strconv.Itoa(p.SourcePriority))
	b = appendString(b, p.SourceOfTruth)
	b = append(b, flag(p.ConversionHire), flag(p.AcquisitionHire))
	b = binary.AppendUvarint(b, uint64(len(p.Applications)))
	for _, app := range p.Applications {
		b = appendString(b, app)
	}
	if len(ev.Scope) > 0 {
		// Tagged with a 0, which no event's encoding starts with (its type is never empty),
		// and only when there are steps, so the digest of an unscoped plan is what it was.
		b = binary.AppendUvarint(append(b, 0), uint64(len(ev.Scope)))
		for _, s := range ev.Scope {
			b = appendString(appendString(b, s.Instance), string(s.Move))
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func flag(v bool) byte {
	if v {
		return 1
	}
	return 0
}
