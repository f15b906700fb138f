package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/internal/row"
)

// Dialect is what one database does differently. A database without LockProfile,
// LockProfiles and LockReviewers must serialise write transactions itself.
type Dialect struct {
	// Name is the backend's package, which its errors start with: "store/sqlite".
	Name string
	// NumberedParams says the database takes parameters as $1, $2, … rather than ?.
	NumberedParams bool
	// UnixMicroTimes says the database keeps times as Unix microseconds, having no time
	// type, rather than as timestamps.
	UnixMicroTimes bool
	// MigrationsTable creates schema_migrations (version, name, applied_at) when missing.
	MigrationsTable string
	// LockMigrations, when set, runs first in the transaction that applies the migrations,
	// so that processes opening one database at once apply them once.
	LockMigrations string
	// LockProfile, when set, runs with the employee id first in the transaction of a save
	// of one person, whose stored profile is then read FOR UPDATE. Saves of the person
	// queue on the lock, so that each history row starts from what the one before it left
	// (a row lock would not cover a person being created); the row lock makes the save
	// wait for a save of many people to commit.
	LockProfile string
	// LockProfiles, when set, runs first in the transaction of a save of many people,
	// making other saves wait for it.
	LockProfiles string
	// LockReviewers, when set, runs with the role first in every transaction that writes
	// the role's roster, so that two assignments never pick from the same counts and a
	// roster replacement never loses a count an assignment made.
	LockReviewers string
	// WriteProfiles, when set, writes a save of many people in place of a statement per
	// row: the rows of row.Last(saves), and the history rows, recorded as rec, of the saves
	// that change something. conn holds the save's transaction, for the driver's own bulk
	// copy.
	WriteProfiles func(ctx context.Context, conn *sql.Conn, saves []row.Save, rec store.Record) error
}

// bind returns the query with its ? parameters as the database takes them. The queries
// it is given have no ? but their parameters.
func (s *Store) bind(query string) string {
	if !s.dialect.NumberedParams {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + len(query)/8)
	for n := 1; ; n++ {
		i := strings.IndexByte(query, '?')
		if i < 0 {
			break
		}
		b.WriteString(query[:i])
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
		query = query[i+1:]
	}
	b.WriteString(query)
	return b.String()
}

// timeArg returns t as the database keeps it: in UTC to the microsecond, as Unix
// microseconds where the dialect says so, and the zero time as NULL.
func (s *Store) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = row.Time(t)
	if s.dialect.UnixMicroTimes {
		return t.UnixMicro()
	}
	return t
}

// timeDest scans a time column, Unix microseconds or a timestamp, into *t in UTC; NULL
// scans as the zero time.
type timeDest struct{ t *time.Time }

// Scan implements sql.Scanner.
func (d timeDest) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d.t = time.Time{}
	case int64:
		*d.t = time.UnixMicro(v).UTC()
	case time.Time:
		*d.t = v.UTC()
	default:
		return fmt.Errorf("time column holds %T", src)
	}
	return nil
}
