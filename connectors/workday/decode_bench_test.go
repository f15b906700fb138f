package workday

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// benchReport is a report of n rows in the stock Workday columns, some of them escaped or
// non-ASCII as real names are.
func benchReport(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Report_Entry":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Emp_ID":"%06d","Email_Address":"given%d.family@example.com","Preferred_Name":"Zoë O\"Brien %d",`+
			`"Preferred_Name_-_First_Name":"Zoë","Preferred_Name_-_Last_Name":"O\"Brien","Department":"Sales","Title":"Specialist",`+
			`"City":"Tel Aviv","Country_Name":"United States","State":"TX","Street_Address":"%d Main St","Postal_Code":"73301",`+
			`"Cost_Center_Code":"CC%03d","Employee_Type":"Regular","Employment_Status":"Active","Job_Code":"J100",`+
			`"Manager_Email_Address":"boss@example.com","Work_Phone":"+1 555 0101","Last_Hire_Date":"2021-03-04",`+
			`"Prehire_Flag":"False","Rehired_Employee":"No","Termination_Date":null,"Headcount":1,"Docs":[{"T":"Badge"}]}`,
			i, i, i, i, i%500)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// BenchmarkDecodeRows reads a report through decode, and as a baseline decodes it whole with
// encoding/json into maps, as the planning benchmark's bare decode does. Compare the two:
//
//	go test -run - -bench DecodeRows ./connectors/workday
func BenchmarkDecodeRows(b *testing.B) {
	doc := benchReport(10000)
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if err := decode(context.Background(), bytes.NewReader(doc), func(Row) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json-baseline", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := decodeWhole(bytes.NewReader(doc)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
