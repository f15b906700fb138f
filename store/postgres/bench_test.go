package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
	"github.com/ilm-dev/ilm/store/postgres"
	"github.com/ilm-dev/ilm/store/storetest"
)

// benchPeople is the size of a large tenant's initial sync.
const benchPeople = 100_000

func people(n int) []profile.Profile {
	ps := make([]profile.Profile, n)
	for i := range ps {
		ps[i] = storetest.Person(i)
	}
	return ps
}

// BenchmarkSaveProfiles is the initial sync of 100k people (36 fields each) into an
// empty schema.
func BenchmarkSaveProfiles(b *testing.B) {
	ctx := b.Context()
	ps := people(benchPeople)
	for b.Loop() {
		b.StopTimer()
		s, err := postgres.Open(ctx, newSchema(b))
		require.NoError(b, err)
		b.StartTimer()
		require.NoError(b, s.SaveProfiles(ctx, ps, store.Record{Actor: "bench"}))
		b.StopTimer()
		require.NoError(b, s.Close())
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchPeople, "ns/profile")
}

// BenchmarkScanProfiles reads every profile of a 100k-person store.
func BenchmarkScanProfiles(b *testing.B) {
	ctx := b.Context()
	s, err := postgres.Open(ctx, newSchema(b))
	require.NoError(b, err)
	defer s.Close()
	require.NoError(b, s.SaveProfiles(ctx, people(benchPeople), store.Record{Actor: "bench"}))

	for b.Loop() {
		n := 0
		require.NoError(b, s.ScanProfiles(ctx, func(profile.Profile) error {
			n++
			return nil
		}))
		require.Equal(b, benchPeople, n)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchPeople, "ns/profile")
}
