/**
 * Pinned tools built from source with Go (the load engine is the project's own, in `engine/`: k6 is AGPL-3.0
 * and not used). The first version of each list is the pin; later ones are used only when the Go module proxy
 * refuses the pin, and `doctor` then says so as a warning.
 */
export const toolSpecs = {
  toxiproxy: {
    binary: "toxiproxy-server",
    module: "github.com/Shopify/toxiproxy/v2",
    pkg: "github.com/Shopify/toxiproxy/v2/cmd/server",
    versions: ["v2.12.0"],
    ldflags: (v: string): string => `-s -w -X github.com/Shopify/toxiproxy/v2.Version=${v.replace(/^v/, "")}`,
    versionArgs: ["--version"],
    versionPattern: /version (\d+\.\d+\.\d+)/,
    minGo: [1, 22] as const,
    envOverride: "PORTAL_HARNESS_TOXIPROXY",
  },
} as const;

export type ToolName = keyof typeof toolSpecs;
export const toolNames = Object.keys(toolSpecs) as ToolName[];
