package deploy

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, ENV, …
	args string
}

// stage is one FROM and what follows it.
type stage struct {
	name, image string
	body        []instruction
}

// parseDockerfile splits a Dockerfile into its stages, skipping comments and blank lines and
// joining lines that end in a backslash. It is no full parser: enough for the checks below.
func parseDockerfile(t *testing.T, path string) []stage {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var stages []stage
	var joined string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if joined == "" && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if rest, ok := strings.CutSuffix(line, `\`); ok {
			joined += rest + " "
			continue
		}
		joined += line
		cmd, args, _ := strings.Cut(joined, " ")
		joined = ""
		in := instruction{strings.ToUpper(cmd), strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			st := stage{image: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.name = f[2]
			}
			stages = append(stages, st)
			continue
		}
		require.NotEmpty(t, stages, "%s: %s before the first FROM", path, in.cmd)
		stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
	}
	return stages
}

// The image is built in one stage and run from another: the binaries are built with cgo off
// (static), the last stage holds only them and runs as a user that is not root.
func TestDockerfileIsMultiStageStaticNonRoot(t *testing.T) {
	stages := parseDockerfile(t, "../Dockerfile")
	require.GreaterOrEqual(t, len(stages), 2, "multi-stage")
	for _, st := range stages {
		assert.True(t, pinned(st.image), "FROM %s is not pinned", st.image)
	}
	build, final := stages[0], stages[len(stages)-1]

	cgoOff, builds := false, 0
	for _, in := range build.body {
		if in.cmd == "ENV" && regexp.MustCompile(`\bCGO_ENABLED[= ]0\b`).MatchString(in.args) {
			cgoOff = true
		}
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
			builds++
			assert.True(t, cgoOff || strings.Contains(in.args, "CGO_ENABLED=0"), "go build with cgo on: %s", in.args)
		}
	}
	assert.Equal(t, 1, builds, "one RUN builds ilm and ilm-worker")

	var user string
	copiedFromBuild := false
	for _, in := range final.body {
		switch in.cmd {
		case "USER":
			user = in.args
		case "RUN":
			assert.NotContains(t, in.args, "go build", "the last stage builds nothing")
		case "COPY":
			if strings.Contains(in.args, "--from="+build.name) {
				copiedFromBuild = true
			}
		}
	}
	assert.True(t, copiedFromBuild, "the last stage copies the binaries from %s", build.name)
	require.NotEmpty(t, user, "the last stage sets USER")
	name, _, _ := strings.Cut(user, ":")
	assert.NotContains(t, []string{"root", "0"}, name, "USER %s", user)
	assert.Equal(t, "runtime", final.name, "docker-compose.yml builds the target runtime")
}

// The lab's Dockerfile pins its images too, and builds the stand-ins static.
func TestLabDockerfile(t *testing.T) {
	stages := parseDockerfile(t, "lab/Dockerfile")
	var names []string
	for _, st := range stages {
		names = append(names, st.name)
		assert.True(t, pinned(st.image), "FROM %s is not pinned", st.image)
	}
	assert.Equal(t, []string{"build", "samba", "standins"}, names)
}
