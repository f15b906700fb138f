package activedirectory

import (
	"context"
	"fmt"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ilm-dev/ilm/connectors"
)

// searchCounter counts the searches made over a connection.
type searchCounter struct {
	conn
	searches *int
}

func (c searchCounter) Search(req *ldap.SearchRequest) (*ldap.SearchResult, error) {
	*c.searches++
	return c.conn.Search(req)
}

// counted is the stock target over d, counting its searches.
func (d *directory) counted(t *testing.T) (*Target, *int) {
	t.Helper()
	tg := d.target(t)
	n := 0
	tg.dial = func(ctx context.Context) (conn, error) {
		c, err := d.dial(ctx)
		return searchCounter{conn: c, searches: &n}, err
	}
	return tg, &n
}

func TestFindAsksForEveryKeyInOneSearch(t *testing.T) {
	dir := newDirectory(t)
	tg, searches := dir.counted(t)
	p := hire("f1", "Fay", "Holm")
	_, err := tg.Create(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, 1, *searches, "one search for the employee id, the login and the email, then the add")
	assert.Equal(t, []string{"add CN=Fay Holm," + ops}, dir.writes)
}

// The keys are tried in order over what the one search found: an account bound by employee
// id wins over one that merely holds the same login, wherever the directory lists it.
func TestTheEmployeeIDWinsOverALoginMatch(t *testing.T) {
	dir := newDirectory(t)
	tg := dir.target(t)
	p := hire("w1", "Wim", "Aas")
	dir.user("Wim Aas (old)", ops, map[string][]string{"sAMAccountName": {"WIM.W1"}})
	bound := dir.user("Wim Aas", ops, map[string][]string{"sAMAccountName": {"wim.aas"}, "employeeID": {"W1"}})
	res, err := tg.Get(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, bound, res.ID, "found by employee id, compared without regard to case")
}

func TestTwoAccountsWithTheSameEmailAreRefused(t *testing.T) {
	dir := newDirectory(t)
	tg := dir.target(t)
	p := hire("m1", "Mo", "Ek")
	for _, cn := range []string{"Mo Ek A", "Mo Ek B"} {
		dir.user(cn, ops, map[string][]string{"sAMAccountName": {cn[len(cn)-1:]}, "mail": {p.Email()}})
	}
	_, err := tg.Get(context.Background(), p)
	require.ErrorIs(t, err, connectors.ErrInvalid)
	assert.ErrorContains(t, err, fmt.Sprintf("more than one account has mail %q", p.Email()))
}

// More matches than the one search returns: the keys are searched one by one, and the
// account bound by employee id is still the one found.
func TestManyMatchesFallBackToOneSearchPerKey(t *testing.T) {
	dir := newDirectory(t)
	tg, searches := dir.counted(t)
	p := hire("n1", "Nia", "Oda")
	for i := range 6 {
		dir.user(fmt.Sprintf("Nia Oda %d", i), ops, map[string][]string{"sAMAccountName": {fmt.Sprintf("n%d", i)}, "mail": {p.Email()}})
	}
	bound := dir.user("Nia Oda", ops, map[string][]string{"sAMAccountName": {"nia.oda"}, "employeeID": {"n1"}})
	res, err := tg.Get(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, bound, res.ID)
	assert.Equal(t, 2, *searches, "the one search hit its limit, then the search by employee id found it")
}
