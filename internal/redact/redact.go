// Package redact blanks secret values from text bound for logs and workflow history. A
// server may echo the credential it refused (a bearer token in an error body, a Basic header
// in a proxy's page, a password in an LDAP diagnostic), and a Temporal error message is
// kept in history for as long as the workflow is: so every message leaving an activity is
// run through a Redactor that knows every configured secret.
package redact

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
	"unicode/utf16"
)

// Mask replaces a secret.
const Mask = "***"

// MinLength is the length below which a value is not redacted: blanking a two-letter
// string everywhere would garble every message, and such a value protects nothing.
const MinLength = 6

// Redactor holds secret values, in every form a message may carry them, and blanks them.
// It is safe for concurrent use; the zero value and nil redact nothing.
type Redactor struct {
	mu    sync.RWMutex
	forms []string // longest first, so that no shorter form splits a longer one
}

// New returns a Redactor of the given secrets (see Add).
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add adds secrets: each as written, base64, URL-encoded, JSON-escaped and in the UTF-16LE
// form AD's unicodePwd takes. Empty and short values are ignored.
func (r *Redactor) Add(secrets ...string) {
	var forms []string
	for _, s := range secrets {
		if len(s) < MinLength {
			continue
		}
		forms = append(forms, s, base64.StdEncoding.EncodeToString([]byte(s)),
			base64.RawStdEncoding.EncodeToString([]byte(s)), url.QueryEscape(s), url.PathEscape(s),
			jsonEscaped(s), unicodePwd(s))
	}
	r.addForms(forms)
}

// AddBasic adds a password and the Basic authorization (base64 of user:password) that
// carries it, and the SASL PLAIN form (base64 of \0user\0password) SMTP AUTH sends.
func (r *Redactor) AddBasic(username, password string) {
	if len(password) < MinLength {
		return
	}
	r.Add(password, username+":"+password, "\x00"+username+"\x00"+password)
}

// With returns a new Redactor of r's secrets and the given ones; r is unchanged.
func (r *Redactor) With(secrets ...string) *Redactor {
	n := &Redactor{}
	if r != nil {
		r.mu.RLock()
		n.forms = append(n.forms, r.forms...)
		r.mu.RUnlock()
	}
	n.Add(secrets...)
	return n
}

// String returns s with every known secret blanked.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, f := range r.forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, Mask)
		}
	}
	return s
}

// Error returns err unchanged when its message holds no secret, and otherwise an error whose
// message is blanked and which still wraps err, for errors.Is and errors.As. Only the
// message is clean: whatever serializes the wrapped chain (Temporal does) must not see err.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := r.String(msg); clean != msg {
		return &redacted{msg: clean, err: err}
	}
	return err
}

type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }

func (r *Redactor) addForms(forms []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[string]bool{}
	for _, f := range r.forms {
		seen[f] = true
	}
	for _, f := range forms {
		if len(f) >= MinLength && !seen[f] {
			seen[f] = true
			r.forms = append(r.forms, f)
		}
	}
	sort.SliceStable(r.forms, func(i, j int) bool { return len(r.forms[i]) > len(r.forms[j]) })
}

func jsonEscaped(s string) string {
	data, _ := json.Marshal(s)
	return string(data[1 : len(data)-1])
}

// unicodePwd is the password in UTF-16LE, as AD's unicodePwd attribute takes it (quoted:
// the quoted form contains this one).
func unicodePwd(s string) string {
	units := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}
