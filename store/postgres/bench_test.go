package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/postgres"
	"github.com/ilm-dev/ilm/store/postgres/postgrestest"
	"github.com/ilm-dev/ilm/store/storetest"
)

// openSchema opens a store on a new schema of the benchmark's.
func openSchema(b *testing.B) store.Store {
	s, err := postgres.Open(b.Context(), postgrestest.NewSchema(b))
	require.NoError(b, err)
	return s
}

func BenchmarkSaveProfiles(b *testing.B) { storetest.BenchSaveProfiles(b, openSchema) }

func BenchmarkScanProfiles(b *testing.B) { storetest.BenchScanProfiles(b, openSchema) }

func BenchmarkProfileWrites(b *testing.B) { storetest.BenchProfileWrites(b, openSchema) }
