#!/bin/sh
# Publish the built policy packs (dist/policy-packs/<pack>, from `npm run packs`) to Pulumi Cloud and enforce them
# in a policy group, so enforcement does not depend on any workflow passing --policy-pack.
#
#   policy-packs.sh publish <org>                 publish each pack version not published yet
#   policy-packs.sh enable  <org> <group> <stack> enable each pack's version in <group> with policies/config/<stack>.json
#
# Pulumi Cloud refuses to publish a version twice, so `publish` first asks which versions exist: merging a change
# that doesn't bump a pack's version re-publishes nothing. PULUMI (default `pulumi`) is the CLI to call; the
# test puts a fake one there.
set -eu

PULUMI=${PULUMI:-pulumi}
PACKS_DIR=${PACKS_DIR:-dist/policy-packs}
PACKS="lake-data-layout lake-security lake-hygiene"

die() {
    echo "policy-packs: $*" >&2
    exit 2
}

# The version npm run packs wrote into the built pack's package.json.
version_of() {
    node -e 'process.stdout.write(String(require(require("path").resolve(process.argv[1], "package.json")).version))' "$PACKS_DIR/$1"
}

# Is <pack> <version> among `pulumi policy ls <org> --json`'s versions? Unreadable output counts as "no".
published() {
    printf '%s' "$3" | node -e '
        let text = "";
        process.stdin.on("data", (c) => (text += c)).on("end", () => {
            const [pack, version] = process.argv.slice(1);
            let list = [];
            try { list = JSON.parse(text || "[]"); } catch { process.exit(1); }
            const hit = (Array.isArray(list) ? list : []).some((p) => p && p.name === pack &&
                (p.versions || []).some((v) => String(v) === version));
            process.exit(hit ? 0 : 1);
        });' "$1" "$2"
}

[ $# -ge 2 ] || die "usage: $0 publish <org> | enable <org> <group> <stack>"
command=$1
org=$2
for pack in $PACKS; do
    [ -f "$PACKS_DIR/$pack/PulumiPolicy.yaml" ] || die "$PACKS_DIR/$pack is not a built pack: run npm run packs first"
done

case "$command" in
publish)
    existing=$("$PULUMI" policy ls "$org" --json) || die "pulumi policy ls $org failed"
    for pack in $PACKS; do
        version=$(version_of "$pack")
        if published "$pack" "$version" "$existing"; then
            echo "$pack $version: already published to $org"
        else
            echo "$pack $version: publishing to $org"
            (cd "$PACKS_DIR/$pack" && "$PULUMI" policy publish "$org")
        fi
    done
    ;;
enable)
    [ $# -eq 4 ] || die "usage: $0 enable <org> <group> <stack>"
    group=$3
    stack=$4
    config="policies/config/$stack.json"
    [ -f "$config" ] || die "no policy config $config for stack '$stack'"
    for pack in $PACKS; do
        version=$(version_of "$pack")
        echo "$pack $version: enabling in policy group $group with $config"
        "$PULUMI" policy enable "$org/$pack" "$version" --policy-group "$group" --config "$config"
    done
    ;;
*)
    die "unknown command '$command': publish or enable"
    ;;
esac
