// Package fuzztargets lists the native fuzz targets a package's tests
// declare, so that a test can insist that every target is listed in its
// table of seeds and the codes they reach. It is used by tests only.
package fuzztargets

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// List returns, sorted, the names of the Fuzz functions declared in the
// *_test.go files of dir whose package clause is pkg (the package itself,
// or its external test package "pkg_test").
func List(dir, pkg string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	var out []string
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if f.Name.Name != pkg {
			continue
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Fuzz") {
				out = append(out, fn.Name.Name)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// Of is [List] for the test's own directory; a failure to read the files
// fails tb.
func Of(tb testing.TB, pkg string) []string {
	tb.Helper()
	out, err := List(".", pkg)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
