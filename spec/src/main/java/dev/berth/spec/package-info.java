/**
 * The OCI runtime-spec (v1.2.0) as berth sees it: records for config.json ({@link
 * dev.berth.spec.Spec} and the types it holds), reading with field-path error messages ({@link
 * dev.berth.spec.SpecReader}), validation of the spec's MUSTs ({@link
 * dev.berth.spec.SpecValidator}), the default config ({@link dev.berth.spec.DefaultSpec}), the
 * features document ({@link dev.berth.spec.Features}), and the kernel's name/number tables the
 * other modules share ({@link dev.berth.spec.Capability}, {@link dev.berth.spec.RlimitType},
 * {@link dev.berth.spec.NamespaceType}, {@link dev.berth.spec.MountOptions}).
 *
 * <p>This module makes no system calls; it reads files and /proc only.
 */
package dev.berth.spec;
