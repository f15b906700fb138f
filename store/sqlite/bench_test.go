package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/sqlite"
	"github.com/ilm-dev/ilm/store/storetest"
)

// openTemp opens a store on a new database file of the benchmark's.
func openTemp(b *testing.B) store.Store {
	s, err := sqlite.Open(b.Context(), "sqlite:"+filepath.Join(b.TempDir(), "ilm.db"))
	require.NoError(b, err)
	return s
}

func BenchmarkScanProfiles(b *testing.B) { storetest.BenchScanProfiles(b, openTemp) }

func BenchmarkSaveProfiles(b *testing.B)  { storetest.BenchSaveProfiles(b, openTemp) }
func BenchmarkProfileWrites(b *testing.B) { storetest.BenchProfileWrites(b, openTemp) }
