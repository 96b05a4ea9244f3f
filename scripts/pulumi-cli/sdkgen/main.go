// sdkgen generates a Pulumi SDK (Python, Go or Node.js) from a provider's schema.json, as `pulumi package add`
// does, but by calling pulumi's code generators (pkg/v3/codegen/...) directly: `pulumi package add` asks the
// language host for the SDK (its GeneratePackage RPC), and the language hosts this project can build predate that.
//
// Usage: sdkgen --schema <schema.json> --language python|go|nodejs --out <dir> [--version <semver>] [--force]
//
// It binds the schema as `pulumi package add` does (validated, SupportPack on, a local SDK) and writes exactly the
// file tree the generator returns into <dir>, plus a pulumi-plugin.json if the generator wrote none. For Go the
// generator writes the SDK module's go.mod; sdkgen makes it require the github.com/pulumi/pulumi/sdk/v3 version
// sdkgen itself was built with (already in Go's module cache), not the generator's hard-coded minimum.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"golang.org/x/mod/modfile"
)

const (
	tool          = "pulumi-s3-bucket-policy sdkgen"
	pulumiSDKPath = "github.com/pulumi/pulumi/sdk/v3"
)

// noLoader answers every request for another package's schema with an error: sdkgen generates SDKs of
// self-contained schemas only (no references to other packages' types), and so needs no plugins or network.
type noLoader struct{}

func (noLoader) err(name string) error {
	return fmt.Errorf("sdkgen loads no other packages, but the schema refers to package %q", name)
}

func (l noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.err(pkg)
}
func (l noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.err(d.Name)
}

func (l noLoader) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.err(pkg)
}

func (l noLoader) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.err(d.Name)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "sdkgen: "+format+"\n", args...)
	os.Exit(1)
}

// builtSDKVersion is the github.com/pulumi/pulumi/sdk/v3 version compiled into sdkgen.
func builtSDKVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == pulumiSDKPath {
				if dep.Replace != nil {
					return dep.Replace.Version
				}
				return dep.Version
			}
		}
	}
	return ""
}

func main() {
	// A FlagSet of its own: a dependency (glog) registers its flags on the default one.
	flags := flag.NewFlagSet("sdkgen", flag.ExitOnError)
	schemaPath := flags.String("schema", "", "the provider's schema.json")
	language := flags.String("language", "", "python, go or nodejs")
	out := flags.String("out", "", "directory for the SDK: created; must be empty or absent unless --force")
	version := flags.String("version", "", "package version (overrides the schema's version)")
	force := flags.Bool("force", false, "remove --out first if it exists")
	goSDK := flags.String("go-pulumi-sdk", builtSDKVersion(),
		"Go only: the "+pulumiSDKPath+" version the SDK's go.mod requires")
	flags.Usage = func() {
		fmt.Fprintln(os.Stderr,
			"usage: sdkgen --schema <schema.json> --language python|go|nodejs --out <dir> [--version <semver>] [--force]")
		flags.PrintDefaults()
	}
	_ = flags.Parse(os.Args[1:])
	if *schemaPath == "" || *language == "" || *out == "" || flags.NArg() != 0 {
		flags.Usage()
		os.Exit(2)
	}

	data, err := os.ReadFile(*schemaPath)
	if err != nil {
		fail("%v", err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		fail("%s is not a package schema: %v", *schemaPath, err)
	}
	if *version != "" {
		if _, err := semver.ParseTolerant(*version); err != nil {
			fail("--version %q: %v", *version, err)
		}
		spec.Version = strings.TrimPrefix(*version, "v")
	}

	// As `pulumi package add` (pkg/cmd/pulumi/packages/packages.go): validated binding, dangling references allowed.
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		fail("binding %s: %v", *schemaPath, err)
	}
	for _, d := range diags {
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		fmt.Fprintf(os.Stderr, "sdkgen: %s: %s\n", *schemaPath, msg)
	}
	if diags.HasErrors() {
		fail("%s has errors (above)", *schemaPath)
	}
	// `pulumi package add` always turns SupportPack on: the SDK is a local package (Go: the generator writes go.mod).
	pkg.SupportPack = true

	var files map[string][]byte
	switch *language {
	case "python":
		files, err = python.GeneratePackage(tool, pkg, nil, noLoader{})
	case "go":
		files, err = gogen.GeneratePackage(tool, pkg, nil)
		if err == nil {
			err = pinGoSDK(files, *goSDK)
		}
	case "nodejs":
		files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, true /* local SDK, as package add */, noLoader{})
	default:
		fail("--language %q: expected python, go or nodejs", *language)
	}
	if err != nil {
		fail("generating the %s SDK: %v", *language, err)
	}

	if !hasPluginJSON(files) {
		if pkg.Version == nil {
			fail("the schema has no version (or pass --version): pulumi-plugin.json needs one")
		}
		pj, _ := json.MarshalIndent(map[string]any{
			"resource": true, "name": pkg.Name, "version": pkg.Version.String(),
		}, "", "  ")
		files["pulumi-plugin.json"] = append(pj, '\n')
	}

	if err := write(*out, files, *force); err != nil {
		fail("%v", err)
	}
	fmt.Fprintf(os.Stderr, "sdkgen: wrote %d files of the %s SDK for %s %s into %s\n",
		len(files), *language, pkg.Name, versionOf(pkg), *out)
}

func versionOf(pkg *schema.Package) string {
	if pkg.Version == nil {
		return "(no version)"
	}
	return pkg.Version.String()
}

func hasPluginJSON(files map[string][]byte) bool {
	for name := range files {
		if path.Base(filepath.ToSlash(name)) == "pulumi-plugin.json" {
			return true
		}
	}
	return false
}

// pinGoSDK makes the generated go.mod require sdk/v3 at version (the generator writes a fixed minimum).
func pinGoSDK(files map[string][]byte, version string) error {
	data, ok := files["go.mod"]
	if !ok {
		return errors.New("the Go generator wrote no go.mod (SupportPack is on, so it should have)")
	}
	if version == "" {
		return nil
	}
	mod, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return fmt.Errorf("parsing the generated go.mod: %w", err)
	}
	if err := mod.AddRequire(pulumiSDKPath, version); err != nil {
		return err
	}
	if files["go.mod"], err = mod.Format(); err != nil {
		return err
	}
	return nil
}

func write(out string, files map[string][]byte, force bool) error {
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		if !force {
			return fmt.Errorf("%s exists and is not empty (pass --force to replace it)", out)
		}
		if err := os.RemoveAll(out); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
