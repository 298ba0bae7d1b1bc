// Package codelist loads XÖV code lists (Codelisten) published as OASIS
// genericode 1.0 documents (namespace
// http://docs.oasis-open.org/codelist/ns/genericode/1.0/, "Code List
// Representation (genericode) Version 1.0", OASIS Committee Specification,
// 2007) following the KoSIT "Codelisten-Handbuch" version 1.2 (15 December
// 2021; chapter "Genericode").
//
// A [List] is identified by its canonical URI (Identification/CanonicalUri,
// which XÖV messages carry as the listURI attribute of a Code) and its
// version (Identification/Version, the listVersionID). It exposes the
// columns (Column/@Id, ShortName, LongName, Use, Data/@Type), the key
// column (ColumnSet/Key, preferring the one annotated with the XÖV
// metadata element recommendedKeyColumn of
// http://xoev.de/schemata/genericode/4, xoev-cl-4) and lookups from a code
// to its row, e.g. code "0200" to beschreibung
// "baugenehmigung.antrag.0200".
//
// A [Registry] keeps several lists, and several versions of one list, side
// by side. Lists come from bytes, files or any fs.FS the caller provides
// (an offline bundle, typically embedded with go:embed). Fetching from the
// XRepository is optional and goes through a [Fetcher] the caller supplies:
// this package never opens a network connection or a file on its own.
//
// # Security
//
// Genericode is untrusted XML: it is parsed through the module's secure
// parser (no DOCTYPE, no entities, size/depth/element/attribute limits;
// [Config.MaxBytes], [Config.MaxDepth], [Config.MaxElements],
// [Config.MaxAttributes]). A fetched list is accepted only if its
// CanonicalUri and Version equal the ones requested, so a compromised or
// confused fetcher cannot substitute another list. Rows must have unique
// keys and every required column; lists that violate the genericode
// structure are refused with [ErrInvalid], never silently repaired.
//
// The URI and version passed to [Registry.Get] often come from an
// untrusted message, so what a Fetcher costs is bounded. A Registry keeps
// at most [Config.MaxFetched] fetched lists ([DefaultMaxFetched]; the
// least recently used is evicted, registered lists never are) and
// remembers a failed fetch for [Config.FailureTTL] ([DefaultFailureTTL],
// clock [Config.Now]), returning the same error without asking the
// Fetcher again; at most MaxFetched failures are remembered. Identifiers
// longer than [MaxIdentifierLen] are never passed to the Fetcher.
// Callers that resolve lists named by a message should also cap how many
// distinct lists one message may name (package xoev does:
// xoev.Config.MaxCodeListFetches). Error messages quote at most 64 bytes
// of a URI or version.
package codelist
