/**
 * Identity is contract: a child that moves to another component keeps its URN through an alias naming its former
 * parent. These helpers compute those former parents, so each move is written once, where the child is created.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * The URN of a component of `formerType` with the same name and parent as `self`: where the children `self` now
 * creates lived before a capability was split out of it (e.g. the access children of `lake:catalog:LakeCatalog`).
 */
export function formerSibling(self: pulumi.Resource, formerType: string): pulumi.Output<string> {
    return self.urn.apply((urn) => {
        const parts = urn.split("::");
        const types = parts[2].split("$");
        types[types.length - 1] = formerType;
        parts[2] = types.join("$");
        return parts.join("::");
    });
}

/** Alias options for a child that used to be a child of `formerParent` under the same name and type. */
export const movedFrom = (formerParent: pulumi.Resource | pulumi.Input<string>): pulumi.CustomResourceOptions => ({ aliases: [{ parent: formerParent }] });
