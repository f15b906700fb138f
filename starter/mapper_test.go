package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ilm mapper test shows what a mapper (a file, or a stock one by name) makes of a row, and
// names the mapper, row and field of every failure.
func TestMapperTest(t *testing.T) {
	dir := t.TempDir()
	row := filepath.Join(dir, "row.json")
	require.NoError(t, os.WriteFile(row, []byte(`{"Emp_ID": "1001", "Email_Address": "Ada.L@Example.com",
		"Last_Hire_Date": "04/03/2026", "Prehire_Flag": "1", "Badge": "B-7"}`), 0o600))
	mapper := filepath.Join(dir, "custom.yaml")
	require.NoError(t, os.WriteFile(mapper, []byte("name: custom\nfields:\n  email: {expr: 'lower(Email_Address)'}\n"+
		"  hiredate: {from: Last_Hire_Date, type: date}\n  prehireflag: {from: Prehire_Flag, type: bool}\n  badgenumber: Badge\n"), 0o600))

	code, out, errOut := ilm("mapper", "test", "--mapper", mapper, "--input", row, "--date-format", "02/01/2006")
	require.Equal(t, exitOK, code, errOut)
	assert.JSONEq(t, `{"email": "ada.l@example.com", "hiredate": "2026-03-04", "prehireflag": true, "badgenumber": "B-7"}`, out)

	rows := filepath.Join(dir, "rows.json")
	require.NoError(t, os.WriteFile(rows, []byte(`[{"email": "a@example.com", "givenname": "A", "surname": "B"}, {"email": "b@example.com"}]`), 0o600))
	code, out, errOut = ilm("mapper", "test", "--mapper", "okta-outgoing", "--input", rows)
	assert.Equal(t, exitError, code)
	assert.Contains(t, out, `"login":"a@example.com"`)
	assert.Contains(t, errOut, `mapper "okta-outgoing", row 2, field "firstName": required value is empty`)

	code, _, errOut = ilm("mapper", "test", "--mapper", "no-such-mapper", "--input", row)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "no-such-mapper")

	code, _, errOut = ilm("mapper", "run", "--mapper", mapper, "--input", row)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "want: ilm mapper test")
}
