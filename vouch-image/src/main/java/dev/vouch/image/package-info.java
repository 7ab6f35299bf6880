/**
 * The gateway's container image (built by Jib from this module's pom; docs/DEPLOYMENT.md) and the one class it adds to
 * the server: {@link dev.vouch.image.SecretInstaller}, which the Kubernetes init container runs to turn mounted
 * Secrets into files the gateway's key and token checks accept.
 */
package dev.vouch.image;
