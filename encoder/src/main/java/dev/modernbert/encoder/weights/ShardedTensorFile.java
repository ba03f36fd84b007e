package dev.modernbert.encoder.weights;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** The shards of a {@code *.index.json} checkpoint, read as one file of tensors. */
final class ShardedTensorFile implements TensorFile {
  private final Path index;
  private final List<TensorFile> shards;
  private final Map<String, TensorFile> owner;
  private final Map<String, TensorInfo> tensors;

  private ShardedTensorFile(
      Path index,
      List<TensorFile> shards,
      Map<String, TensorFile> owner,
      Map<String, TensorInfo> tensors) {
    this.index = index;
    this.shards = shards;
    this.owner = owner;
    this.tensors = tensors;
  }

  /** Opens every shard; each tensor the index lists must be in the shard it names, and once. */
  static ShardedTensorFile open(Path index, Map<String, Path> weightMap) {
    List<TensorFile> shards = new ArrayList<>();
    try {
      Map<Path, TensorFile> byPath = new LinkedHashMap<>();
      for (Path p : new LinkedHashSet<>(weightMap.values())) {
        TensorFile shard = TensorFile.open(p);
        shards.add(shard);
        byPath.put(p, shard);
      }
      Map<String, TensorFile> owner = new LinkedHashMap<>();
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      for (TensorFile shard : shards) {
        for (TensorInfo info : shard.tensors().values()) {
          TensorFile before = owner.put(info.name(), shard);
          if (before != null) {
            throw new CheckpointException(
                index
                    + ": tensor "
                    + info.name()
                    + " is in both "
                    + before.path()
                    + " and "
                    + shard.path());
          }
          tensors.put(info.name(), info);
        }
      }
      for (Map.Entry<String, Path> e : weightMap.entrySet()) {
        if (owner.get(e.getKey()) != byPath.get(e.getValue())) {
          throw new CheckpointException(
              index
                  + " lists "
                  + e.getKey()
                  + " in "
                  + e.getValue().getFileName()
                  + ", which does not hold it (incomplete download?)");
        }
      }
      return new ShardedTensorFile(
          index, shards, Collections.unmodifiableMap(owner), Collections.unmodifiableMap(tensors));
    } catch (RuntimeException e) {
      shards.forEach(TensorFile::close);
      throw e;
    }
  }

  @Override
  public Path path() {
    return index;
  }

  @Override
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  @Override
  public ByteBuffer bytes(String name) {
    info(name);
    return owner.get(name).bytes(name);
  }

  @Override
  public void close() {
    shards.forEach(TensorFile::close);
  }
}
