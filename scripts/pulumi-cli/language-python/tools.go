//go:build tools

// The main package this module builds; the import keeps `go mod tidy` from dropping its dependencies.
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"
