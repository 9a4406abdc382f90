# Sourced by tools/hooks/pre-push (POSIX sh). Which stacks a set of changed files touches: the rules are the
# repository's layout (README "Layout"); test/hooks/pre-push.test.ts runs them on every case.

# The stacks of the repository at $1: one per Pulumi.<stack>.yaml, sorted.
lake_all_stacks() {
    for f in "$1"/Pulumi.*.yaml; do
        [ -f "$f" ] || continue
        f=${f##*/Pulumi.}
        echo "${f%.yaml}"
    done | sort
}

# The stacks a dataset file deploys to: its `stacks:` list (flow `[dev, prod]` or block `- dev`), else every
# stack. A deleted or unreadable file counts for every stack: it may have been deployed anywhere.
lake_dataset_stacks() {
    root=$1
    file=$2
    if [ ! -f "$root/$file" ]; then
        lake_all_stacks "$root"
        return
    fi
    listed=$(awk '
        /^stacks:[ \t]*\[/ { line = $0; sub(/^stacks:[ \t]*\[/, "", line); sub(/\].*$/, "", line); n = split(line, a, ","); for (i = 1; i <= n; i++) { gsub(/[ \t"\047]/, "", a[i]); if (a[i] != "") print a[i] } ; exit }
        /^stacks:[ \t]*(#.*)?$/ { block = 1; next }
        block && /^[ \t]+-[ \t]*/ { v = $0; sub(/^[ \t]+-[ \t]*/, "", v); sub(/[ \t]*#.*$/, "", v); gsub(/[ \t"\047]/, "", v); if (v != "") print v; next }
        block && /^[ \t]*(#.*)?$/ { next }
        block { exit }
    ' "$root/$file")
    if [ -n "$listed" ]; then
        printf '%s\n' "$listed"
    else
        lake_all_stacks "$root"
    fi
}

# Reads changed paths (relative to the root $1) on stdin, one a line; prints each stack they touch once, sorted.
# The line __ALL__ means "can't tell": every stack.
lake_select_stacks() {
    root=$1
    all=$(lake_all_stacks "$root")
    while IFS= read -r path; do
        [ -n "$path" ] || continue
        case "$path" in
        __ALL__) printf '%s\n' "$all" ;;
        # Dataset files are shared by the stacks they list.
        stacks/datasets/*) lake_dataset_stacks "$root" "$path" ;;
        # The published schemas judge every stack's files.
        stacks/schema/*) printf '%s\n' "$all" ;;
        # stacks/<stack>/...: that stack's connections and locations.
        stacks/*/*)
            s=${path#stacks/}
            s=${s%%/*}
            if printf '%s\n' "$all" | grep -qx "$s"; then echo "$s"; else printf '%s\n' "$all"; fi
            ;;
        Pulumi.yaml) printf '%s\n' "$all" ;;
        Pulumi.*.yaml)
            s=${path#Pulumi.}
            echo "${s%.yaml}"
            ;;
        policies/config/*.json)
            s=${path#policies/config/}
            s=${s%.json}
            if printf '%s\n' "$all" | grep -qx "$s"; then echo "$s"; else printf '%s\n' "$all"; fi
            ;;
        # The program, the packs and what the check runs on: every stack.
        infra/* | components/* | policies/* | contract/*) printf '%s\n' "$all" ;;
        package.json | package-lock.json | tsconfig.json | tools/engine/* | tools/lake/*) printf '%s\n' "$all" ;;
        # Docs, tests, workflows, other tools: no stack.
        *) ;;
        esac
    done | awk 'NF' | sort -u
}

# The commit a new branch forks from on the remote $1 (its default branch), or nothing.
lake_fork_point() {
    remote=$1
    sha=$2
    for ref in "refs/remotes/$remote/HEAD" "refs/remotes/$remote/main"; do
        if git rev-parse --verify --quiet "$ref" >/dev/null; then
            git merge-base "$ref" "$sha" 2>/dev/null && return 0
        fi
    done
    return 1
}

# Reads git's pre-push lines (<local ref> <local sha> <remote ref> <remote sha>) on stdin and prints the paths the
# pushed commits change, or __ALL__ when the comparison point is unknown.
lake_pushed_paths() {
    remote=$1
    zero=0000000000000000000000000000000000000000
    while read -r _local_ref local_sha _remote_ref remote_sha; do
        [ -n "${local_sha:-}" ] || continue
        # Deleting a remote branch checks nothing.
        [ "$local_sha" = "$zero" ] && continue
        if [ "$remote_sha" = "$zero" ]; then
            base=$(lake_fork_point "$remote" "$local_sha") || base=""
        elif git cat-file -e "$remote_sha^{commit}" 2>/dev/null; then
            base=$remote_sha
        else
            # The remote moved on to commits we don't have: fetch to compare.
            base=""
        fi
        if [ -z "$base" ]; then
            echo "__ALL__"
        else
            git diff --name-only "$base" "$local_sha"
        fi
    done
}
