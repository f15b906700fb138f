package lifecycle

// keyIndex leads an employee id, or an email, to the stored profile holding it and to the
// first report row carrying it. Profiles and rows share one entry per key, so a steady-state
// report only looks keys up.
type keyIndex struct {
	ofID    bool // keys are employee ids, else emails
	at      map[string]int32
	entries []keyEntry
	// dups lists, per key carried by several rows, those rows in order.
	dups map[string][]rowKey
}

type keyEntry struct {
	profile int32  // index in the stored profiles, -1: none
	first   int32  // seq of the first row with the key, -1: none yet
	row     int    // that row's number
	other   string // that row's other key: its email in an id index, its employee id in an email index
}

// rowKey identifies a row; seq is the order of Add.
type rowKey struct {
	seq       int32
	number    int
	id, email string
}

func newKeyIndex(ofID bool, size int) keyIndex {
	return keyIndex{ofID: ofID, at: make(map[string]int32, size), entries: make([]keyEntry, 0, size)}
}

// entry returns the entry of key, adding one when it has none.
func (x *keyIndex) entry(key string) *keyEntry {
	i, ok := x.at[key]
	if !ok {
		i = int32(len(x.entries))
		x.at[key] = i
		x.entries = append(x.entries, keyEntry{profile: -1, first: -1})
	}
	return &x.entries[i]
}

// addProfile records that profile i holds key; the first of several holders keeps it.
func (x *keyIndex) addProfile(key string, i int) {
	if key == "" {
		return
	}
	if e := x.entry(key); e.profile < 0 {
		e.profile = int32(i)
	}
}

// addRow records a row carrying key and returns the profile holding key (-1: none). A key
// already carried by an earlier row makes the rows duplicates.
func (x *keyIndex) addRow(key string, k rowKey) int32 {
	if key == "" {
		return -1
	}
	e := x.entry(key)
	other := k.email
	if !x.ofID {
		other = k.id
	}
	if e.first < 0 {
		e.first, e.row, e.other = k.seq, k.number, other
		return e.profile
	}
	if x.dups == nil {
		x.dups = map[string][]rowKey{}
	}
	if len(x.dups[key]) == 0 {
		first := rowKey{seq: e.first, number: e.row, id: key, email: e.other}
		if !x.ofID {
			first.id, first.email = e.other, key
		}
		x.dups[key] = append(x.dups[key], first)
	}
	x.dups[key] = append(x.dups[key], k)
	return e.profile
}
