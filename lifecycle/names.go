package lifecycle

import (
	"unicode"
	"unicode/utf8"
)

// nameIndex counts, for the display names some events want, the active profiles holding each.
type nameIndex struct {
	at      map[string]int32
	holders []holders
}

// holders are the active profiles holding one display name: how many, and the first.
type holders struct{ first, n int32 }

// nameHolders indexes the display names the events want. It is one pass over the active
// summaries' names, without allocating per name, and only when some event wants a name.
func (d *Detector) nameHolders() nameIndex {
	var x nameIndex
	for _, o := range d.outcomes {
		if o.name == "" {
			continue
		}
		if x.at == nil {
			x.at = map[string]int32{}
		}
		if _, ok := x.at[o.name]; !ok {
			x.at[o.name] = int32(len(x.holders))
			x.holders = append(x.holders, holders{first: -1})
		}
	}
	if x.at == nil {
		return x
	}
	var buf []byte
	for i := range d.summaries {
		sum := &d.summaries[i]
		if !sum.IsActive() || sum.DisplayName == "" {
			continue
		}
		buf = appendFolded(buf[:0], sum.DisplayName)
		if j, ok := x.at[string(buf)]; ok {
			h := &x.holders[j]
			if h.n == 0 {
				h.first = int32(i)
			}
			h.n++
		}
	}
	return x
}

// heldByOther says whether an active profile other than self (-1: none) holds the folded name.
func (x nameIndex) heldByOther(name string, self int32) bool {
	j, ok := x.at[name]
	if !ok {
		return false
	}
	h := x.holders[j]
	return h.n > 1 || (h.n == 1 && h.first != self)
}

// appendFolded appends s lower-cased, as strings.ToLower does. Display names compare
// case-insensitively, as directory common names do.
func appendFolded(buf []byte, s string) []byte {
	for _, r := range s {
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
	}
	return buf
}
