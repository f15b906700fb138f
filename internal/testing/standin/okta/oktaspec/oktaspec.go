// Package oktaspec checks HTTP traffic against Okta's Management API contract: the
// Swagger 2.0 spec okta-sdk-golang/v2 was generated from (okta-management-v2-swagger.yaml
// in the shared reference folder). Wrapping the Okta stand-in with it keeps the stand-in
// honest: every request our code sends must be one the real API defines, and every answer
// the stand-in gives must be one the SDK was built to decode. Where the spec and the real
// wire disagree, exceptions.go says so, one entry at a time.
package oktaspec

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"gopkg.in/yaml.v3"
)

// SpecFile is the spec's name in the shared reference folder.
const SpecFile = "okta-management-v2-swagger.yaml"

// Spec is the loaded contract with a router over its paths.
type Spec struct {
	doc    *openapi3.T
	router routers.Router
	errSch *openapi3.Schema
}

var (
	once     sync.Once
	loaded   *Spec
	loadErr  error
	notFound string
)

// Load returns the spec, loaded once per process. It looks in $ILM_SHARED/reference,
// then in ../shared/reference beside the repository root, and skips the test when the
// file is in neither.
func Load(t testing.TB) *Spec {
	t.Helper()
	spec, err := Find()
	if err != nil {
		t.Fatalf("oktaspec: %v", err)
	}
	if spec == nil {
		t.Skip(notFound)
	}
	return spec
}

// Find returns the spec as Load does, or nil when the file is not at hand, for tests that
// check the contract when they can and run anyway when they cannot.
func Find() (*Spec, error) {
	once.Do(func() {
		path := find()
		if path == "" {
			notFound = "Okta spec " + SpecFile + " not found in $ILM_SHARED/reference or <repo>/../shared/reference"
			return
		}
		loaded, loadErr = load(path)
	})
	return loaded, loadErr
}

// Checked returns h wrapped as Wrap does when the spec is at hand, else h itself: tests of
// behaviour run either way and check the contract when they can.
func Checked(t testing.TB, h http.Handler) http.Handler {
	t.Helper()
	spec, err := Find()
	if err != nil {
		t.Fatalf("oktaspec: %v", err)
	}
	if spec == nil {
		return h
	}
	return spec.Wrap(t, h)
}

func find() string {
	var dirs []string
	if d := os.Getenv("ILM_SHARED"); d != "" {
		dirs = append(dirs, filepath.Join(d, "reference"))
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dirs = append(dirs, filepath.Join(filepath.Dir(d), "shared", "reference"))
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, SpecFile)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

func load(path string) (*Spec, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// Swagger 2.0 YAML -> JSON -> openapi2.T -> OpenAPI 3.
	var tree any
	if err := yaml.Unmarshal(raw, &tree); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	js, err := json.Marshal(tree)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(js, &doc2); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	doc, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, fmt.Errorf("%s: converting to OpenAPI 3: %w", path, err)
	}
	if err := patchSchemas(doc); err != nil {
		return nil, err
	}
	// The stand-in serves any host; route on paths only.
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: router: %w", path, err)
	}
	return &Spec{doc: doc, router: router, errSch: errorSchema()}, nil
}
