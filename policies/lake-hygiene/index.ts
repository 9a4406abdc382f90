import { PolicyPack } from "@pulumi/policy";
import { description, packName, policies } from "./policies";

// Advisory unless the stack's --policy-pack-config (policies/config/<stack>.json) says otherwise.
new PolicyPack(packName, { description, enforcementLevel: "advisory", policies });
