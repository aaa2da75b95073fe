/** CIFAR-10 from its binary release, read by position. */
package org.ddim4j.data.cifar;
