/** LSUN Churches (outdoor) from its LMDB exports; opened by {@code ImageDatasets}. */
package org.ddim4j.data.lsun;
