package storetest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

// benchPeople is the size of a large tenant's initial sync.
const benchPeople = 100_000

// BenchScanProfiles measures reading every profile of a 100k-person store, 36 fields each.
// open returns a store on an empty database, which the benchmark closes.
func BenchScanProfiles(b *testing.B, open func(*testing.B) store.Store) {
	ctx := b.Context()
	s := open(b)
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

// BenchSaveProfiles measures the initial sync of 100k people into an empty store. open
// returns a store on a new empty database each time it is called, which the benchmark
// closes; neither counts.
func BenchSaveProfiles(b *testing.B, open func(*testing.B) store.Store) {
	ctx := b.Context()
	ps := people(benchPeople)
	for b.Loop() {
		b.StopTimer()
		s := open(b)
		b.StartTimer()
		require.NoError(b, s.SaveProfiles(ctx, ps, store.Record{Actor: "bench"}))
		b.StopTimer()
		require.NoError(b, s.Close())
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchPeople, "ns/profile")
}

// people returns Person(0) to Person(n-1).
func people(n int) []profile.Profile {
	ps := make([]profile.Profile, n)
	for i := range ps {
		ps[i] = Person(i)
	}
	return ps
}

// BenchProfileWrites measures one incident's profile write, each way on its own store of
// 1,000 people: SaveProfile writes the whole profile (the baseline), UpdateProfile changes one
// field of the profile as stored under the person's lock, as HR commits and App Sync do. open
// returns a store on a new empty database each time it is called, which the benchmark closes.
func BenchProfileWrites(b *testing.B, open func(*testing.B) store.Store) {
	const n = 1000
	write := map[string]func(s store.Store, i int) error{
		"SaveProfile": func(s store.Store, i int) error {
			p := Person(i % n)
			p.Fields[profile.Title] = fmt.Sprintf("Title %d", i)
			return s.SaveProfile(b.Context(), p, store.Record{Actor: "bench"})
		},
		"UpdateProfile": func(s store.Store, i int) error {
			_, err := s.UpdateProfile(b.Context(), Person(i%n).EmployeeID(), store.Record{Actor: "bench"}, func(p *profile.Profile, _ bool) error {
				p.Fields[profile.Title] = fmt.Sprintf("Title %d", i)
				return nil
			})
			return err
		},
	}
	for _, name := range []string{"SaveProfile", "UpdateProfile"} {
		b.Run(name, func(b *testing.B) {
			s := open(b)
			defer s.Close()
			require.NoError(b, s.SaveProfiles(b.Context(), people(n), store.Record{Actor: "bench"}))
			i := 0
			for b.Loop() {
				require.NoError(b, write[name](s, i))
				i++
			}
		})
	}
}
